import { describe, expect, it } from 'vitest';
import type { K8sObject } from './k8s';
import { generateService } from './generate';
import { instanceSuffix } from './render-workload';
import { createWorkspace, errorOf, scoreYaml } from './provisioners/test-support/workspace';
import type { Files, Workspace } from './provisioners/test-support/workspace';

/** Test provisioners, over the base library's `config`. */
const PROVISIONERS: Files = {
  // Dumps its whole template context into a ConfigMap (phase 3) and what it saw in phase 1 into its outputs.
  'provisioners/dump/provisioner.yaml': 'type: dump\ndescription: Dumps its context.\nparams: {type: object}\noutputs: [seen]\ntemplates: {outputs: outputs.yaml.njk, manifests: manifests.yaml.njk}\n',
  'provisioners/dump/outputs.yaml.njk': 'seen: {{ resources | tojson }}\nhadPodTemplate: {{ workload.podTemplate is defined }}\n',
  'provisioners/dump/manifests.yaml.njk': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ "dump-" ~ resource.name }}',
    'data:',
    '  workload: {{ workload | tojson | tojson }}',
    '  environment: {{ environment | tojson | tojson }}',
    '  resource: {{ resource | tojson | tojson }}',
    '  resources: {{ resources | tojson | tojson }}',
    '  labels: {{ labels | tojson | tojson }}',
    '  namespace: {{ namespace }}',
    '',
  ].join('\n'),
  // Owns the workload: renders a Rollout around the final pod template.
  'provisioners/rollout/provisioner.yaml': 'type: rollout\ndescription: Owns the workload.\nownsWorkload: true\nparams: {type: object}\noutputs: [name]\ntemplates: {outputs: o.yaml.njk, manifests: m.yaml.njk}\n',
  'provisioners/rollout/o.yaml.njk': 'name: {{ workload.name ~ "-rollout" }}\n',
  'provisioners/rollout/m.yaml.njk': [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Rollout',
    'metadata:',
    '  name: {{ workload.name }}',
    '  annotations: {kind: {{ workload.kind }}, owner: {{ workload.owner | tojson | tojson }}}',
    'spec:',
    '  selector: {matchLabels: {{ workload.selector | tojson }}}',
    '  template: {{ workload.podTemplate | tojson }}',
    '',
  ].join('\n'),
  // Workload patches.
  'provisioners/identity/provisioner.yaml': 'type: identity\ndescription: A service account.\nparams: {type: object, required: [name], properties: {name: {type: string}}}\ntemplates: {workload: w.yaml.njk}\n',
  'provisioners/identity/w.yaml.njk': 'serviceAccountName: {{ resource.params.name }}\n',
  'provisioners/envvar/provisioner.yaml': 'type: envvar\ndescription: One variable.\nparams: {type: object, required: [name, value], properties: {name: {type: string}, value: {type: string}}}\ntemplates: {workload: w.yaml.njk}\n',
  'provisioners/envvar/w.yaml.njk': 'env:\n  - {name: {{ resource.params.name }}, value: {{ resource.params.value }}}\n',
  'provisioners/volume/provisioner.yaml': 'type: volume\ndescription: A volume mounted everywhere.\nparams: {type: object, additionalProperties: false, properties: {vol: {type: string, default: data}}}\ntemplates: {workload: w.yaml.njk}\n',
  'provisioners/volume/w.yaml.njk': [
    'volumes: [{name: {{ resource.params.vol }}, emptyDir: {}}]',
    'volumeMounts: [{name: {{ resource.params.vol }}, mountPath: {{ "/mnt/" ~ resource.name }}}]',
    'podAnnotations: {{ {"volume": resource.name} | tojson }}',
    'podLabels: {{ {"has-volume": "yes"} | tojson }}',
    '',
  ].join('\n'),
  // Typed params, with a default.
  'provisioners/typed/provisioner.yaml': [
    'type: typed',
    'description: Typed params.',
    'params:',
    '  type: object',
    '  additionalProperties: false',
    '  required: [size]',
    '  properties:',
    '    size: {type: integer, minimum: 1}',
    '    host: {type: string, pattern: "^[a-z.-]+$"}',
    '    mode: {type: string, default: rw}',
    '    nested: {type: object, properties: {n: {type: integer}}}',
    'outputs: [params]',
    'templates: {outputs: o.yaml.njk}',
    '',
  ].join('\n'),
  'provisioners/typed/o.yaml.njk': 'params: {{ resource.params | tojson }}\n',
};

function ws(service: string[], extra: Files = {}): Workspace {
  return createWorkspace({ ...PROVISIONERS, 'services/api/score.yaml': scoreYaml('api', service), ...extra });
}

const find = (objects: readonly K8sObject[], kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]! as K8sObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const kinds = (objects: readonly K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('shared resources', () => {
  it('a resource id shared by two resources is provisioned once', () => {
    const w = ws(['resources:', '  one:', '    type: config', '    id: shared', '    params: {configData: {A: "1"}}', '  two:', '    type: config', '    id: shared', '    params: {configData: {A: "1"}}']);
    const r = w.generate('api', 'dev');
    expect(kinds(r.objects)).toEqual(['ConfigMap/api-one', 'Deployment/api']);
    // One envFrom, not two.
    expect(find(r.objects, 'Deployment').spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'api-one' } }]);
  });

  it('a second declaration may omit params', () => {
    const w = ws(['resources:', '  one:', '    type: config', '    id: shared', '    params: {configData: {A: "1"}}', '  two:', '    type: config', '    id: shared']);
    expect(kinds(w.generate('api', 'dev').objects)).toEqual(['ConfigMap/api-one', 'Deployment/api']);
  });

  it('declarations that differ only by defaults, placeholders or key order are the same resource', () => {
    const w = ws([
      'resources:',
      '  one:',
      '    type: volume',
      '    id: shared',
      '  two:',
      '    type: volume',
      '    id: shared',
      '  three:',
      '    type: config',
      '    id: cfg',
      '    params: {configData: {R: "${metadata.region}", B: "2"}}',
      '  four:',
      '    type: config',
      '    id: cfg',
      '    params: {configData: {B: "2", R: "${metadata.region}"}}',
    ]);
    const r = w.generate('api', 'dev');
    expect(kinds(r.objects)).toEqual(['ConfigMap/api-four', 'Deployment/api']);
    expect(find(r.objects, 'ConfigMap').data).toEqual({ B: '2', R: 'eu-west-1' });
    expect(find(r.objects, 'Deployment').spec.template.spec.volumes).toEqual([{ name: 'data', emptyDir: {} }]);
  });

  it('the same id with different params is an error', () => {
    const w = ws(['resources:', '  one:', '    type: config', '    id: shared', '    params: {configData: {A: "1"}}', '  two:', '    type: config', '    id: shared', '    params: {configData: {A: "2"}}']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:16:5: resources.two.params: resource 'config.default#shared' is declared twice (as 'one' and 'two') with different params",
    );
  });
});

describe('params validation', () => {
  const typed = (params: string) => ws(['resources:', '  tp:', '    type: typed', `    params: ${params}`]);

  it('applies defaults and passes the params to the templates', () => {
    const w = ws(['resources:', '  tp:', '    type: typed', '    params: {size: 2, host: "${metadata.domain}"}', '  zz:', '    type: dump', '    params: {p: "${resources.tp.params}"}']);
    const dump = find(w.generate('api', 'dev').objects, 'ConfigMap', 'dump-zz');
    expect(JSON.parse(dump.data.resources).tp).toEqual({ params: { size: 2, host: 'dev.example.com', mode: 'rw' } });
    // Placeholders give strings: non-string outputs are JSON-encoded.
    expect(JSON.parse(dump.data.resource).params).toEqual({ p: '{"size":2,"host":"dev.example.com","mode":"rw"}' });
  });

  it('rejects a wrongly typed param', () => {
    expect(errorOf(() => typed('{size: big}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:14: resources.tp.params.size: must be integer");
  });

  it('rejects a wrongly typed nested param', () => {
    expect(errorOf(() => typed('{size: 1, nested: {n: x}}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:32: resources.tp.params.nested.n: must be integer");
  });

  it('rejects a missing required param', () => {
    expect(errorOf(() => typed('{mode: ro}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:5: resources.tp.params: missing required field 'size'");
  });

  it('rejects an unknown param', () => {
    expect(errorOf(() => typed('{size: 1, sise: 2}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:23: resources.tp.params.sise: unknown field 'sise' (did you mean 'size'?)");
  });

  it('validates after substitution', () => {
    const w = typed('{size: 1, host: "${metadata.domain}"}');
    w.write({ 'environments/dev.yaml': 'kubernetesVersion: 1.33.0\nnamespace: {fromMetadata: team}\nmetadata: {domain: "Not A Host"}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe('services/api/score.yaml:11:23: resources.tp.params.host: must match pattern ^[a-z.-]+$');
  });

  it('a placeholder in an integer param is checked after substitution (placeholders give strings)', () => {
    const w = ws(['resources:', '  tp:', '    type: typed', '    params: {size: "${metadata.size}"}']);
    w.write({ 'environments/dev.yaml': 'kubernetesVersion: 1.33.0\nnamespace: {fromMetadata: team}\nmetadata: {size: 3}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe('services/api/score.yaml:11:14: resources.tp.params.size: must be integer');
  });
});

describe('template context', () => {
  const service = [
    '  annotations: {example.com/owner: "team a"}',
    'containers:',
    '  main:',
    '    image: nginx:1.27',
    '    variables: {REGION: "${metadata.region}"}',
    'service:',
    '  ports: {web: {port: 80, targetPort: 8080}, admin: {port: 9000, protocol: UDP}}',
    'resources:',
    '  settings:',
    '    type: config',
    '    params: {configData: {A: "1"}}',
    '  zdump:',
    '    type: dump',
    '    metadata: {annotations: {xx: "y"}}',
    '    params: {url: "${resources.settings.name}", region: "${metadata.region}"}',
  ];

  it('gives templates the documented context, in phase 1 and phase 3', () => {
    const w = ws(service);
    const r = w.generate('api', 'dev');
    expect(kinds(r.objects)).toEqual(['ConfigMap/api-settings', 'ConfigMap/dump-zdump', 'Service/api', 'Deployment/api']);
    const dump = find(r.objects, 'ConfigMap', 'dump-zdump').data as Record<string, string>;
    expect(Object.keys(dump).sort()).toEqual(['environment', 'labels', 'namespace', 'resource', 'resources', 'workload']);
    const instance = `api${instanceSuffix('api', 'dev')}`;
    const labels = { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/managed-by': 'score-nx', 'app.kubernetes.io/name': 'api', 'platform.example.com/team': 'team-a' };
    expect(JSON.parse(dump['labels']!)).toEqual(labels);
    expect(dump['namespace']).toBe('team-a');
    expect(JSON.parse(dump['environment']!)).toEqual({ name: 'dev', kubernetesVersion: '1.33.0', metadata: { region: 'eu-west-1', domain: 'dev.example.com' }, capabilities: { flavor: 'new' }, preview: false, pr: null });
    expect(JSON.parse(dump['resource']!)).toEqual({
      name: 'zdump',
      uid: 'dump.default#api.zdump',
      type: 'dump',
      class: 'default',
      id: null,
      params: { url: 'api-settings', region: 'eu-west-1' },
      metadata: { annotations: { xx: 'y' } },
      // Phase 3 sees the resource's own outputs too.
      outputs: { seen: { settings: { name: 'api-settings' } }, hadPodTemplate: false },
    });
    // Phase 3 sees every resource's outputs; phase 1 (the `seen` output) saw only those provisioned before.
    expect(JSON.parse(dump['resources']!)).toEqual({ settings: { name: 'api-settings' }, zdump: { seen: { settings: { name: 'api-settings' } }, hadPodTemplate: false } });
    const deployment = find(r.objects, 'Deployment');
    expect(JSON.parse(dump['workload']!)).toEqual({
      name: 'api',
      metadata: { region: 'eu-west-1', domain: 'dev.example.com', name: 'api', team: 'team-a', annotations: { 'example.com/owner': 'team a' } },
      annotations: { 'example.com/owner': 'team a' },
      containers: { main: { image: 'nginx:1.27', variables: { REGION: '${metadata.region}' } } },
      ports: [
        { name: 'admin', port: 9000, targetPort: 9000, protocol: 'UDP' },
        { name: 'web', port: 80, targetPort: 8080, protocol: 'TCP' },
      ],
      instance,
      selector: { 'app.kubernetes.io/instance': instance },
      podTemplate: deployment.spec.template,
      kind: 'Deployment',
      owner: null,
    });
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'REGION', value: 'eu-west-1' }]);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
  });
});

describe('workload ownership', () => {
  it('an owner replaces the Deployment and Service and gets the final pod template', () => {
    const w = ws(['service:', '  ports: {web: {port: 80}}', 'resources:', '  deploy:', '    type: rollout', '  settings:', '    type: config', '    params: {configData: {A: "1"}}']);
    const r = w.generate('api', 'dev');
    expect(kinds(r.objects)).toEqual(['ConfigMap/api-settings', 'Rollout/api']);
    const rollout = find(r.objects, 'Rollout');
    const instance = `api${instanceSuffix('api', 'dev')}`;
    expect(rollout.metadata.annotations).toEqual({ kind: 'owned', owner: JSON.stringify({ name: 'deploy', type: 'rollout', outputs: { name: 'api-rollout' } }) });
    expect(rollout.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': instance } },
      template: {
        metadata: {
          annotations: { 'k8s.score.dev/workload-name': 'api' },
          labels: { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/managed-by': 'score-nx', 'app.kubernetes.io/name': 'api', 'platform.example.com/team': 'team-a' },
        },
        spec: { containers: [{ name: 'main', image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'api-settings' } }] }] },
      },
    });
  });

  it('two owners are an error', () => {
    const w = ws(['resources:', '  blue:', '    type: rollout', '  green:', '    type: rollout']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/score.yaml:11:3: resources.green: only one resource may own the workload, and 'blue' (rollout) already does");
  });
});

describe('workload patches', () => {
  it('applies envFrom, env, volumes, mounts, pod annotations and labels in provisioning order', () => {
    const w = ws([
      'resources:',
      '  cfg:',
      '    type: config',
      '    params: {configData: {A: "1"}}',
      '  files:',
      '    type: volume',
      '  id:',
      '    type: identity',
      '    params: {name: api-sa}',
      '  id2:',
      '    type: identity',
      '    params: {name: api-sa}',
      '  var:',
      '    type: envvar',
      '    params: {name: EXTRA, value: "x"}',
    ]);
    const template = find(w.generate('api', 'dev').objects, 'Deployment').spec.template;
    expect(template.metadata.annotations).toEqual({ 'k8s.score.dev/workload-name': 'api', volume: 'files' });
    expect(template.metadata.labels['has-volume']).toBe('yes');
    expect(template.spec).toEqual({
      serviceAccountName: 'api-sa',
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        {
          name: 'main',
          image: 'nginx:1.27',
          envFrom: [{ configMapRef: { name: 'api-cfg' } }],
          env: [{ name: 'EXTRA', value: 'x' }],
          volumeMounts: [{ name: 'data', mountPath: '/mnt/files' }],
        },
      ],
    });
  });

  it('two different service accounts are an error', () => {
    const w = ws(['resources:', '  aa:', '    type: identity', '    params: {name: one}', '  bb:', '    type: identity', '    params: {name: two}']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/score.yaml:12:3: resources.bb: sets the service account to 'two', but resources.aa already set 'one'");
  });

  it('a variable the container already has is an error', () => {
    const w = ws(['    variables: {REGION: eu}', 'resources:', '  var:', '    type: envvar', '    params: {name: REGION, value: x}']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/score.yaml:10:3: resources.var: adds the variable 'REGION', which container 'main' already defines");
  });

  it('a variable two resources add is an error', () => {
    const w = ws(['resources:', '  v1:', '    type: envvar', '    params: {name: X, value: a}', '  v2:', '    type: envvar', '    params: {name: X, value: b}']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/score.yaml:12:3: resources.v2: adds the variable 'X', which container 'main' already defines");
  });

  it('two volumes with one name are an error', () => {
    const w = ws(['resources:', '  v1:', '    type: volume', '  v2:', '    type: volume']);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("two resources add a pod volume named 'data'");
  });
});

describe('environments', () => {
  const perEnv = [
    'containers:',
    '  main:',
    '    image: "."',
    '    variables: {REGION: "${metadata.region}", DOMAIN: "${metadata.domain}"}',
    'resources:',
    '  zdump:',
    '    type: dump',
  ];
  const config = 'environments:\n  dev:\n    images: {main: "web:dev"}\n  prod:\n    images: {main: "web:prod"}\n  preview:\n    images: {main: "web:pr"}\n';

  it('an unknown environment is an error listing the environments', () => {
    expect(errorOf(() => ws([]).generate('api', 'qa'))).toBe("unknown environment 'qa' (environments: dev, preview, prod)");
  });

  it('an environment the service does not deploy to is an error', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': 'environments:\n  dev:\n    images: {main: "web:dev"}\n' });
    expect(errorOf(() => w.generate('api', 'prod'))).toBe("services/api/service-config.yaml:1:1: environments: the service does not deploy to environment 'prod' (it deploys to: dev)");
  });

  it('image "." without a configured image is an error', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': 'environments:\n  dev: {}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:7:5: containers.main.image: container 'main' has image '.' and no image is configured for it: set environments.dev.images.main in services/api/service-config.yaml",
    );
    w.write({ 'services/api/service-config.yaml': null });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:7:5: containers.main.image: container 'main' has image '.' and no image is configured for it: add it to service-config.yaml under environments.dev.images",
    );
  });

  it('an image for an unknown container is an error', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': 'environments:\n  dev:\n    images: {main: "web:dev", worker: "w:1"}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/service-config.yaml:3:31: environments.dev.images.worker: no container 'worker' in services/api/score.yaml (containers: main)");
  });

  it('a preview environment needs --pr and renders per pull request', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': config });
    expect(errorOf(() => w.generate('api', 'preview'))).toBe("environment 'preview' is a preview environment: give the pull request number with --pr");
    expect(errorOf(() => w.generate('api', 'preview', { pr: 0 }))).toBe("--pr must be a positive whole number, got '0'");
    const r = w.generate('api', 'preview', { pr: 42 });
    expect(r.namespace).toBe('team-a-pr-42');
    expect(r.objects.map((o) => o.metadata.namespace)).toEqual(['team-a-pr-42', 'team-a-pr-42']);
    const dump = find(r.objects, 'ConfigMap', 'dump-zdump').data as Record<string, string>;
    expect(JSON.parse(dump['environment']!)).toEqual({ name: 'preview', kubernetesVersion: '1.33.0', metadata: { region: 'eu-west-1', domain: 'pr-42.preview.example.com' }, capabilities: {}, preview: true, pr: 42 });
    expect(dump['namespace']).toBe('team-a-pr-42');
    const container = find(r.objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'DOMAIN', value: 'pr-42.preview.example.com' },
      { name: 'REGION', value: 'eu-west-1' },
    ]);
    // Two pull requests are two instances.
    const instance = (pr: number) => find(w.generate('api', 'preview', { pr }).objects, 'Deployment').metadata.labels!['app.kubernetes.io/instance'];
    expect(instance(42)).toBe(`api${instanceSuffix('api', 'preview-pr-42')}`);
    expect(instance(43)).toBe(`api${instanceSuffix('api', 'preview-pr-43')}`);
  });

  it('a non-preview environment rejects --pr', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': config });
    expect(errorOf(() => w.generate('api', 'dev', { pr: 42 }))).toBe("environment 'dev' is not a preview environment: --pr applies only to preview environments");
  });

  it('one service differs across environments only where the environments say so', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': config });
    const dev = w.generate('api', 'dev');
    const prod = w.generate('api', 'prod');
    const devEnv = JSON.parse((find(dev.objects, 'ConfigMap').data as Record<string, string>)['environment']!);
    const prodEnv = JSON.parse((find(prod.objects, 'ConfigMap').data as Record<string, string>)['environment']!);
    expect(prodEnv).toEqual({ name: 'prod', kubernetesVersion: '1.31.0', metadata: { region: 'us-east-1', domain: 'example.com' }, capabilities: { flavor: 'old' }, preview: false, pr: null });
    expect(devEnv.kubernetesVersion).toBe('1.33.0');
    expect(find(prod.objects, 'Deployment').spec.template.spec.containers[0]).toEqual({
      name: 'main',
      image: 'web:prod',
      env: [
        { name: 'DOMAIN', value: 'example.com' },
        { name: 'REGION', value: 'us-east-1' },
      ],
    });
    // Everything else is the same: replacing the environment's values in dev's output gives prod's output.
    const replacements: Array<[string, string]> = [
      [`api${instanceSuffix('api', 'dev')}`, `api${instanceSuffix('api', 'prod')}`],
      ['web:dev', 'web:prod'],
      ['eu-west-1', 'us-east-1'],
      ['dev.example.com', 'example.com'],
      ['1.33.0', '1.31.0'],
      ['"name":"dev"', '"name":"prod"'],
      ['"flavor":"new"', '"flavor":"old"'],
    ];
    let expected = dev.yaml;
    for (const [from, to] of replacements) {
      expect(expected).toContain(from);
      expected = expected.replaceAll(from, to);
    }
    expect(prod.yaml).toBe(expected);
  });

  it('renders the same bytes every time', () => {
    const w = ws(perEnv, { 'services/api/service-config.yaml': config });
    const first = w.generate('api', 'prod');
    const second = generateService({ workspaceRoot: w.root, serviceDir: `${w.root}/services/api`, environment: 'prod' });
    expect(second.yaml).toBe(first.yaml);
    expect(second.libraryHash).toBe(first.libraryHash);
    expect(first.inputs).toEqual(['environments/prod.yaml', 'services/api/score.yaml', 'services/api/service-config.yaml']);
    // A copy of the workspace elsewhere renders the same bytes too.
    const copy = ws(perEnv, { 'services/api/service-config.yaml': config });
    expect(copy.generate('api', 'prod').yaml).toBe(first.yaml);
    expect(copy.generate('api', 'prod').libraryHash).toBe(first.libraryHash);
  });
});
