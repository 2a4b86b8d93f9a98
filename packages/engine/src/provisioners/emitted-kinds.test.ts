import { describe, expect, it } from 'vitest';
import { emittedKinds } from './emitted-kinds';
import { loadEnvironments } from '../environments/environments';
import { createWorkspace, errorOf } from './test-support/workspace';

const definition = (type: string, manifests = 'manifests.yaml.njk') =>
  [`type: ${type}`, 'description: test', `templates: {manifests: ${manifests}}`, ''].join('\n');

function kindsOf(files: Record<string, string>) {
  const ws = createWorkspace(files);
  return emittedKinds([ws.library()], [...loadEnvironments(ws.root).values()]);
}

describe('emittedKinds: the API types a library can emit, found in its templates', () => {
  it('lists the engine kinds and each top-level apiVersion/kind pair of a manifests template, sorted, with its line', () => {
    const kinds = kindsOf({
      'provisioners/queue/provisioner.yaml': definition('queue'),
      'provisioners/queue/manifests.yaml.njk': [
        '{% if resource.params.dlq %}',
        'apiVersion: sqs.services.k8s.aws/v1alpha1',
        'kind: Queue',
        'metadata: {name: dlq}',
        'spec:',
        '  ref:',
        '    apiVersion: v1', // nested: a reference, not an object
        '    kind: Secret',
        '{% endif %}',
        '---',
        "apiVersion: 'v1'",
        'kind: "ServiceAccount"',
        '',
      ].join('\n'),
    });
    expect(kinds.map((k) => `${k.apiVersion} ${k.kind} <- ${k.sources.join(', ')}`)).toEqual([
      'apps/v1 Deployment <- engine',
      'apps/v1 StatefulSet <- engine',
      'sqs.services.k8s.aws/v1alpha1 Queue <- provisioners/queue/manifests.yaml.njk:2',
      'v1 ConfigMap <- engine, provisioners/config/manifests.yaml.njk:1',
      'v1 Service <- engine',
      'v1 ServiceAccount <- provisioners/queue/manifests.yaml.njk:11',
    ]);
  });

  it('resolves {{ environment.capabilities.<key> }} in every environment', () => {
    const kinds = kindsOf({
      'environments/dev.yaml': 'kubernetesVersion: 1.33.0\nnamespace: {fromMetadata: team}\ncapabilities: {istio: networking.istio.io/v1}\n',
      'environments/prod.yaml': 'kubernetesVersion: 1.31.0\nnamespace: {fromMetadata: team}\ncapabilities: {istio: networking.istio.io/v1beta1}\n',
      'environments/preview.yaml': 'kubernetesVersion: 1.33.0\npreview: true\nnamespace: {fromMetadata: team, suffix: "-pr-{pr}"}\ncapabilities: {istio: networking.istio.io/v1}\n',
      'provisioners/mesh/provisioner.yaml': definition('mesh'),
      'provisioners/mesh/manifests.yaml.njk': 'apiVersion: {{ environment.capabilities.istio }}\nkind: VirtualService\n',
    });
    expect(kinds.filter((k) => k.kind === 'VirtualService').map((k) => k.apiVersion)).toEqual(['networking.istio.io/v1', 'networking.istio.io/v1beta1']);
  });

  it('reads partials (_*.njk, _shared/) as well, but not outputs or workload templates', () => {
    const kinds = kindsOf({
      'provisioners/_shared/namespace.yaml.njk': 'apiVersion: v1\nkind: Namespace\n',
      'provisioners/web/provisioner.yaml': 'type: web\ndescription: t\ntemplates: {outputs: outputs.yaml.njk, manifests: manifests.yaml.njk}\n',
      'provisioners/web/manifests.yaml.njk': '{% include "_shared/namespace.yaml.njk" %}\n{% include "_pdb.njk" %}\n',
      'provisioners/web/_pdb.njk': 'apiVersion: policy/v1\nkind: PodDisruptionBudget\n',
      'provisioners/web/outputs.yaml.njk': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\n',
    });
    const names = kinds.map((k) => `${k.apiVersion} ${k.kind}`);
    expect(names).toContain('v1 Namespace');
    expect(names).toContain('policy/v1 PodDisruptionBudget');
    expect(names).not.toContain('argoproj.io/v1alpha1 Rollout');
  });

  it('refuses an apiVersion or kind it cannot know without rendering, naming the line', () => {
    expect(errorOf(() => kindsOf({ 'provisioners/x/provisioner.yaml': definition('x'), 'provisioners/x/manifests.yaml.njk': 'metadata: {}\napiVersion: {{ resource.params.v }}\nkind: Thing\n' }))).toBe(
      "provisioners/x/manifests.yaml.njk:2: apiVersion '{{ resource.params.v }}' is computed; write it literally or as {{ environment.capabilities.<key> }} so the schemas it needs are known",
    );
    expect(errorOf(() => kindsOf({ 'provisioners/x/provisioner.yaml': definition('x'), 'provisioners/x/manifests.yaml.njk': 'apiVersion: v1\nkind: {{ resource.params.kind }}\n' }))).toBe(
      "provisioners/x/manifests.yaml.njk:2: kind '{{ resource.params.kind }}' is computed; write it literally so the schemas it needs are known",
    );
    expect(errorOf(() => kindsOf({ 'provisioners/x/provisioner.yaml': definition('x'), 'provisioners/x/manifests.yaml.njk': 'apiVersion: {{ environment.capabilities.nope }}\nkind: Thing\n' }))).toBe(
      'environments/dev.yaml: capabilities.nope: must be an apiVersion string (provisioners/x/manifests.yaml.njk:1 uses it)',
    );
  });
});
