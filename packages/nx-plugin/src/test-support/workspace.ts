import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes files (workspace-relative path → content) under root. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function tempWorkspace(files: Record<string, string>, prefix = 'score-nx-plugin-'): { root: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  writeFiles(root, files);
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

const env = (description: string, kubernetesVersion: string, provisioners: string, extra = '') => `description: ${description}
kubernetesVersion: ${kubernetesVersion}
provisioners: ${provisioners}
namespace:
  fromMetadata: engineNamespace
${extra}metadata:
  environment: x
  domain: example.com
`;

/** Environments: dev and staging use the workspace library, prod pins release 1.0.0, preview is per PR. */
export const ENVIRONMENTS: Record<string, string> = {
  'environments/dev.yaml': env('Development', '1.33.0', 'workspace'),
  'environments/staging.yaml': env('Staging', '1.32.0', 'workspace'),
  'environments/prod.yaml': env('Production', '1.31.0', '1.0.0'),
  'environments/preview.yaml': env('Previews', '1.33.0', 'workspace', 'preview: true\n').replace('fromMetadata: engineNamespace\n', 'fromMetadata: engineNamespace\n  suffix: -pr-{pr}\n'),
};

/** A one-provisioner library: `type: config` renders a ConfigMap. */
export const LIBRARY: Record<string, string> = {
  'provisioners/library.yaml': `labels:
  platform.example.com/system: level1System
platformKeys:
  namespace: engineNamespace
  system: level1System
  repository: repoSlug
workloadMetadata:
  properties:
    engineNamespace: { type: string }
    level1System: { type: string }
    repoSlug: { type: string }
  required: [engineNamespace]
`,
  'provisioners/config/provisioner.yaml': `type: config
description: A ConfigMap from data
params:
  type: object
  additionalProperties: false
  required: [data]
  properties:
    data: { type: object, additionalProperties: { type: string } }
outputs: [name]
templates:
  outputs: outputs.yaml.njk
  manifests: manifests.yaml.njk
`,
  'provisioners/config/outputs.yaml.njk': 'name: {{ dnsLabel(workload.name, resource.name) }}\n',
  'provisioners/config/manifests.yaml.njk': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ dnsLabel(workload.name, resource.name) }}
data: {{ resource.params.data | tojson }}
`,
  'provisioners/service/provisioner.yaml': `type: service
description: Another service of the workspace (a call)
params:
  type: object
  additionalProperties: false
  required: [name]
  properties:
    name: { type: string }
outputs: [host]
templates:
  outputs: outputs.yaml.njk
`,
  'provisioners/service/outputs.yaml.njk': 'host: {{ resource.params.name ~ "." ~ namespace ~ ".svc" }}\n',
};

export interface ServiceSpec {
  name: string;
  namespace?: string;
  system?: string;
  repoSlug?: string;
  /** Environments of service-config.yaml (none: no service-config). */
  deploys?: string[];
  pins?: Record<string, string>;
  calls?: string[];
  config?: Record<string, string>;
  /** A file read through files.source. */
  withFile?: boolean;
}

export function service(dir: string, spec: ServiceSpec): Record<string, string> {
  const resources: string[] = [];
  if (spec.config) resources.push(`  settings:\n    type: config\n    params:\n      data: ${JSON.stringify(spec.config)}\n`);
  for (const callee of spec.calls ?? []) resources.push(`  ${callee}:\n    type: service\n    params:\n      name: ${callee}\n`);
  const files: Record<string, string> = {
    [`${dir}/score.yaml`]: `apiVersion: score.dev/v1b1
metadata:
  name: ${spec.name}
  engineNamespace: ${spec.namespace ?? 'team-a'}
${spec.system ? `  level1System: ${spec.system}\n` : ''}${spec.repoSlug ? `  repoSlug: ${spec.repoSlug}\n` : ''}containers:
  main:
    image: nginx:1.27
${spec.withFile ? '    files:\n      /etc/app/message.txt:\n        source: ./message.txt\n' : ''}service:
  ports:
    http:
      port: 80
      targetPort: 8080
${resources.length > 0 ? `resources:\n${resources.join('')}` : ''}`,
  };
  if (spec.withFile) files[`${dir}/message.txt`] = 'hello\n';
  if (spec.deploys) {
    files[`${dir}/service-config.yaml`] =
      `environments:\n${spec.deploys.map((e) => `  ${e}:${spec.pins?.[e] ? `\n    provisioners: ${spec.pins[e]}` : ' {}'}\n`).join('')}`;
  }
  return files;
}

/** alpha calls beta and deploys to dev, staging, prod; beta has no service-config; gamma deploys to prod only. */
export function sampleWorkspace(): Record<string, string> {
  return {
    ...ENVIRONMENTS,
    ...LIBRARY,
    ...service('services/alpha', { name: 'alpha', namespace: 'payments', system: 'checkout', repoSlug: 'MyOrg/alpha', deploys: ['dev', 'staging', 'prod'], calls: ['beta'], config: { MODE: 'fast' }, withFile: true }),
    ...service('services/beta', { name: 'beta', namespace: 'payments' }),
    ...service('services/gamma', { name: 'gamma', namespace: 'search', deploys: ['prod'] }),
    'provisioner-releases.yaml': 'releases:\n  1.0.0:\n    commit: "1111111111111111111111111111111111111111"\n    tree: "2222222222222222222222222222222222222222"\n',
  };
}
