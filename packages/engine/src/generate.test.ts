import { describe, expect, it } from 'vitest';
import type { K8sObject } from './convert/workload';
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
    expect(errorOf(() => typed('{size: big}').generate('api', 'dev'))).toBe('services/api/score.yaml:11:14: resources.tp.params.size: must be integer');
  });

  it('rejects a wrongly typed nested param', () => {
    expect(errorOf(() => typed('{size: 1, nested: {n: x}}').generate('api', 'dev'))).toBe('services/api/score.yaml:11:32: resources.tp.params.nested.n: must be integer');
  });

  it('rejects a missing required param', () => {
    expect(errorOf(() => typed('{mode: ro}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:5: resources.tp.params: missing required field 'size'");
  });

  it('rejects an unknown param', () => {
    expect(errorOf(() => typed('{size: 1, sise: 2}').generate('api', 'dev'))).toBe("services/api/score.yaml:11:23: resources.tp.params.sise: unknown field 'sise'");
  });

  it('validates after substitution', () => {
    const w = typed('{size: 1, host: "${metadata.domain}"}');
    w.write({ 'environments/dev.yaml': 'kubernetesVersion: 1.33.0\nnamespace: {fromMetadata: team}\nmetadata: {domain: "Not A Host"}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe('services/api/score.yaml:11:23: resources.tp.params.host: must match pattern "^[a-z.-]+$"');
  });

  it('a placeholder in an integer param is checked after substitution (placeholders give strings)', () => {
    const w = ws(['resources:', '  tp:', '    type: typed', '    params: {size: "${metadata.size}"}']);
    w.write({ 'environments/dev.yaml': 'kubernetesVersion: 1.33.0\nnamespace: {fromMetadata: team}\nmetadata: {size: 3}\n' });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe('services/api/score.yaml:11:14: resources.tp.params.size: must be integer');
  });
});
