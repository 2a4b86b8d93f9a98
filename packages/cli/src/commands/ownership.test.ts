import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

/** Test provisioners: a team Namespace, a resource meant to be shared by id, and a route claiming a hostname. */
const PROVISIONERS: Record<string, string> = {
  'provisioners/team-namespace/provisioner.yaml': `type: team-namespace
description: The team's namespace
params: {type: object, additionalProperties: false, required: [podSecurity], properties: {podSecurity: {type: string}}}
outputs: []
templates: {manifests: manifests.yaml.njk}
`,
  'provisioners/team-namespace/manifests.yaml.njk': `apiVersion: v1
kind: Namespace
metadata:
  name: {{ namespace }}
  labels: {{ labels | merge({"app.kubernetes.io/name": namespace, "app.kubernetes.io/instance": namespace, "pod-security.kubernetes.io/enforce": resource.params.podSecurity}) | tojson }}
`,
  'provisioners/queue/provisioner.yaml': `type: queue
description: A queue several services may share through a resource id
params: {type: object, additionalProperties: false, properties: {size: {type: string}}}
outputs: [name]
templates: {outputs: outputs.yaml.njk, manifests: manifests.yaml.njk}
`,
  'provisioners/queue/outputs.yaml.njk': 'name: {{ dnsLabel("queue", resource.id or resource.name) }}\n',
  'provisioners/queue/manifests.yaml.njk': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ dnsLabel("queue", resource.id or resource.name) }}
  labels: {{ labels | merge({"app.kubernetes.io/name": resource.id or resource.name, "app.kubernetes.io/instance": namespace ~ "-" ~ (resource.id or resource.name)}) | tojson }}
data:
  size: {{ (resource.params.size or "small") | tojson }}
`,
  'provisioners/route/provisioner.yaml': `type: route
description: An Istio route for a hostname
params: {type: object, additionalProperties: false, required: [host], properties: {host: {type: string}}}
outputs: []
templates: {manifests: manifests.yaml.njk}
`,
  'provisioners/route/manifests.yaml.njk': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ workload.name }}
spec:
  hosts: [{{ resource.params.host | tojson }}]
`,
};

function service(name: string, namespace: string, subsystem: string, resources: string): string {
  return `apiVersion: score.dev/v1b1
metadata:
  name: ${name}
  engineNamespace: ${namespace}
  level2System: ${subsystem}
containers:
  main:
    image: nginx
resources:
${resources}`;
}

const ns = (podSecurity = 'baseline') => `  ns:\n    type: team-namespace\n    params: {podSecurity: ${podSecurity}}\n`;
const queue = (size = 'large') => `  orders:\n    type: queue\n    id: orders-queue\n    params: {size: ${size}}\n`;
const route = (host: string) => `  web:\n    type: route\n    params: {host: ${host}}\n`;

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}
const objects = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Obj);
const ids = (yaml: string) => objects(yaml).map((o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);

function workspace(files: Record<string, string>): TempWorkspace {
  ws = tempWorkspace({ ...PROVISIONERS, ...files });
  return ws;
}

/** Renders every service and the shared output into dist/manifests, as nx run-many -t generate would. */
async function renderAll(w: TempWorkspace, services: string[], env = 'dev') {
  for (const s of services) {
    const r = await w.cli(['generate', `services/${s}`, '--env', env, '-q']);
    expect(r.stderr).toBe('');
    mkdirSync(join(w.root, 'dist/manifests', env, s), { recursive: true });
    writeFileSync(join(w.root, 'dist/manifests', env, s, 'manifests.yaml'), r.stdout);
  }
  const shared = await w.cli(['shared', '-q']);
  expect(shared).toMatchObject({ code: 0, stderr: '' });
}

describe('one owner per object', () => {
  it('renders a shared namespace and a shared resource id once, into the platform-owned output', async () => {
    const w = workspace({
      'services/svc-a/score.yaml': service('svc-a', 'team-a', 'alpha', ns() + queue()),
      'services/svc-b/score.yaml': service('svc-b', 'team-a', 'beta', ns() + queue()),
      'services/svc-c/score.yaml': service('svc-c', 'team-c', 'gamma', ns()),
    });
    const a = await w.cli(['generate', 'services/svc-a', '--env', 'dev', '-q']);
    expect(a.code).toBe(0);
    expect(ids(a.stdout)).toEqual(['Deployment team-a/svc-a']);
    const c = await w.cli(['generate', 'services/svc-c', '--env', 'dev', '-q']);
    // Not shared: the service keeps its Namespace.
    expect(ids(c.stdout)).toEqual(['Namespace team-c', 'Deployment team-c/svc-c']);

    const shared = await w.cli(['shared', '--env', 'dev', '-q']);
    expect(shared).toMatchObject({ code: 0, stderr: '' });
    const sharedObjects = objects(shared.stdout);
    expect(sharedObjects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(['Namespace team-a', 'ConfigMap queue-orders-queue']);
    // Who the namespace serves (the library's subsystem label) differs between a and b: it is not the namespace's.
    expect(sharedObjects[0]!.metadata.labels).toEqual({
      'app.kubernetes.io/instance': 'team-a',
      'app.kubernetes.io/name': 'team-a',
      'app.kubernetes.io/managed-by': 'score-nx',
      'platform.example.com/namespace': 'team-a',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(sharedObjects[1]!.data).toEqual({ size: 'large' });

    await renderAll(w, ['svc-a', 'svc-b', 'svc-c']);
    const check = await w.cli(['check']);
    expect(check).toEqual({ code: 0, stdout: '', stderr: 'dist/manifests: 6 renders, every object and hostname has one owner\n' });
  });

  it('refuses shared copies that differ, naming both services and files', async () => {
    const w = workspace({
      'services/svc-a/score.yaml': service('svc-a', 'team-a', 'alpha', ns('baseline') + queue()),
      'services/svc-b/score.yaml': service('svc-b', 'team-a', 'beta', ns('restricted') + queue()),
    });
    const r = await w.cli(['shared', '--env', 'dev', '-q']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: "shared Namespace 'team-a' differs between svc-a (services/svc-a/score.yaml) and svc-b (services/svc-b/score.yaml): a shared object must be rendered the same by every service that shares it\n",
    });
  });

  it('the workspace check fails on a hostname two services claim, naming both services and files', async () => {
    const w = workspace({
      'services/svc-a/score.yaml': service('svc-a', 'team-a', 'alpha', route('shop.example.com')),
      'services/svc-c/score.yaml': service('svc-c', 'team-c', 'gamma', route('shop.example.com')),
    });
    await renderAll(w, ['svc-a', 'svc-c']);
    const r = await w.cli(['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('1 ownership problem:\n  dev: hostname shop.example.com is claimed by svc-a (dist/manifests/dev/svc-a/manifests.yaml) and svc-c (dist/manifests/dev/svc-c/manifests.yaml)\n');
  });

  it('the workspace check fails on one object emitted by two renders', async () => {
    const w = workspace({});
    const doc = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team-a\n';
    for (const owner of ['a', 'b']) {
      mkdirSync(join(w.root, 'dist/manifests/prod', owner), { recursive: true });
      writeFileSync(join(w.root, 'dist/manifests/prod', owner, 'manifests.yaml'), doc);
    }
    const r = await w.cli(['check']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: '1 ownership problem:\n  prod: ConfigMap.core team-a/settings is emitted by a (dist/manifests/prod/a/manifests.yaml) and b (dist/manifests/prod/b/manifests.yaml)\n',
    });
    expect((await w.cli(['check', 'nowhere'])).stderr).toBe('nowhere: no such folder (render first: nx run-many -t generate)\n');
  });
});

describe('the platform-owned output carries the admission policies of policies/', () => {
  const POLICIES = {
    'policies/tags.yaml': `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: tags}
spec: {matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: ["*"], operations: [CREATE], resources: [deployments]}]}, validations: [{expression: "true"}]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: tags-everywhere}
spec: {policyName: tags, validationActions: [Deny], paramRef: {name: limits, namespace: platform-policies}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: tags-prod, labels: {platform.example.com/environment: prod}}
spec: {policyName: tags, validationActions: [Deny]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: limits, namespace: platform-policies}
data: {max: "1"}
`,
    'policies/platform-objects.yaml': 'kind: PlatformObjects\nenvironments:\n  "*": [{kind: ClusterSecretStore, name: platform-secrets}]\n',
  };

  it('renders the bindings of the environment, their policies, params and params namespace; never PlatformObjects', async () => {
    const w = workspace(POLICIES);
    const dev = await w.cli(['shared', '--env', 'dev', '-q']);
    expect(dev).toMatchObject({ code: 0, stderr: '' });
    expect(ids(dev.stdout)).toEqual(['Namespace platform-policies', 'ConfigMap platform-policies/limits', 'ValidatingAdmissionPolicy tags', 'ValidatingAdmissionPolicyBinding tags-everywhere']);
    const prod = await w.cli(['shared', '--env', 'prod', '-q']);
    expect(ids(prod.stdout)).toContain('ValidatingAdmissionPolicyBinding tags-prod');
    // Without --env, one file per regular environment, even with no shared service object.
    expect(await w.cli(['shared', '-q'])).toMatchObject({ code: 0, stderr: '' });
    expect(ids(readFileSync(join(w.root, 'dist/manifests/staging/_shared/manifests.yaml'), 'utf8'))).toContain('ValidatingAdmissionPolicy tags');
  });

  it('a preview adds none: it runs on a regular environment cluster, which installs them', async () => {
    const w = workspace(POLICIES);
    expect(await w.cli(['shared', '--env', 'preview', '--pr', '7', '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a policies/ file that does not parse is an error naming file:line:col', async () => {
    const w = workspace({ 'policies/broken.yaml': 'kind: [\n' });
    const r = await w.cli(['shared', '--env', 'dev', '-q']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^policies\/broken\.yaml:2:1: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
