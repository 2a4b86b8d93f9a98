// Helpers shared by the tests of the workload, identity and secret provisioners (blue-green, canary,
// horizontal-pod-autoscaler, pre-deployment-job, cloud-secret, pod-identity).
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect } from 'vitest';
import type { GenerateResult, K8sObject } from '@score-nx/engine';
import { validateDocuments } from '@score-nx/kubeconform';
import { tempService, WORKSPACE_ROOT } from './render';

/** Strings that would add a key, an object or a document if a template pasted them as text. */
export const INJECTIONS = ['x\n---\nkind: Secret', 'a"\n  extra: key'];

export interface ScoreSpec {
  name?: string;
  metadata?: Record<string, unknown>;
  containers?: Record<string, unknown>;
  ports?: Record<string, unknown>;
  resources: Record<string, unknown>;
}

export const WEB = {
  image: 'registry.example.com/shop:1.0.0',
  resources: { requests: { cpu: '200m', memory: '256Mi' } },
};

/** A Score file (JSON is YAML): workload `shop` in namespace `payments` with one `web` container and port http 80→8080. */
export function score(spec: ScoreSpec): string {
  return JSON.stringify({
    apiVersion: 'score.dev/v1b1',
    metadata: { name: spec.name ?? 'shop', engineNamespace: 'payments', level1System: 'checkout', ...spec.metadata },
    containers: spec.containers ?? { web: WEB },
    ...(spec.ports === undefined ? { service: { ports: { http: { port: 80, targetPort: 8080 } } } } : Object.keys(spec.ports).length > 0 ? { service: { ports: spec.ports } } : {}),
    resources: spec.resources,
  }, null, 2);
}

export function render(scoreYaml: string, env = 'dev', envMetadata: Record<string, unknown> = {}): GenerateResult {
  const service = tempService(scoreYaml, undefined, {}, envMetadata);
  try {
    return service.render(env);
  } finally {
    service.cleanup();
  }
}

export function renderError(scoreYaml: string, env = 'dev'): string {
  try {
    render(scoreYaml, env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the render to fail');
}

export const kinds = (objects: readonly K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

export const at = (o: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);

type PodTemplate = { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ name: string; ports?: Array<{ containerPort: number; name?: string }> }>; serviceAccountName?: string } };

/** Selectors select the pods, and every Service port targets a container port of those pods. */
export function expectServicesMatchPods(objects: readonly K8sObject[], workload: K8sObject): void {
  const template = at(workload, 'spec', 'template') as PodTemplate;
  const podLabels = template.metadata.labels;
  expect(podLabels).toMatchObject(at(workload, 'spec', 'selector', 'matchLabels') as object);
  const containerPorts = template.spec.containers.flatMap((c) => c.ports ?? []);
  const services = objects.filter((o) => o.kind === 'Service');
  expect(services.length).toBeGreaterThan(0);
  for (const service of services) {
    expect(podLabels).toMatchObject(at(service, 'spec', 'selector') as object);
    for (const port of at(service, 'spec', 'ports') as Array<{ targetPort: number | string }>) {
      const match = containerPorts.filter((p) => p.containerPort === port.targetPort || p.name === port.targetPort);
      expect(match, `${service.metadata.name} targets ${port.targetPort}`).toHaveLength(1);
    }
  }
}

/** Kubernetes name and label rules: names are DNS labels of 63 characters at most (ConfigMaps 253), label values 63 at most. */
export function expectValidNames(objects: readonly K8sObject[], options: { exceptLabels?: string[] } = {}): void {
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  const except = new Set(options.exceptLabels ?? []);
  const checkLabels = (where: string, labels: Record<string, string> | undefined) => {
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (except.has(key)) continue;
      expect(value.length, `${where} label ${key}=${value}`).toBeLessThanOrEqual(63);
      expect(value, `${where} label ${key}`).toMatch(labelValue);
    }
  };
  for (const o of objects) {
    const where = `${o.kind}/${o.metadata.name}`;
    // ConfigMap names are DNS subdomains (253): the engine's files ConfigMaps use that room
    expect(o.metadata.name.length, where).toBeLessThanOrEqual(o.kind === 'ConfigMap' ? 253 : 63);
    expect(o.metadata.name, where).toMatch(label);
    if (o.kind === 'Service') expect(o.metadata.name, where).toMatch(/^[a-z]/);
    checkLabels(where, o.metadata.labels);
    checkLabels(`${where} pods`, at(o, 'spec', 'template', 'metadata', 'labels') as Record<string, string> | undefined);
    checkLabels(`${where} selector`, at(o, 'spec', 'selector', 'matchLabels') as Record<string, string> | undefined);
  }
}

/** Every object valid against the workspace's own schemas/ (strict Kubernetes schemas of the environment's version, CRDs). */
export async function expectSchemaValid(result: GenerateResult): Promise<void> {
  const results = await validateDocuments([{ file: `${result.service}-${result.environment.name}.yaml`, content: result.yaml }], {
    kubernetesVersion: result.environment.kubernetesVersion,
    strict: true,
    schemaLocations: [
      join(WORKSPACE_ROOT, 'schemas', 'kubernetes', '{{ .NormalizedKubernetesVersion }}', '_definitions.json'),
      join(WORKSPACE_ROOT, 'schemas', 'crds', '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'),
    ],
    compileCacheDir: join(tmpdir(), 'score-nx-provisioner-kubeconform-cache'),
  });
  const problems = results.filter((r) => r.status !== 'valid').map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
  expect(problems).toEqual([]);
  expect(results.length).toBe(result.objects.length);
}

/** `line:col` of the first `"key"` in a JSON Score file, as the engine reports positions. */
export function positionOf(text: string, key: string): string {
  const index = text.indexOf(`"${key}"`);
  if (index < 0) throw new Error(`no key ${key}`);
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
