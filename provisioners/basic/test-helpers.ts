// Helpers shared by the tests of basic, monitoring, service, postgres, redis and s3-bucket.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect } from 'vitest';
import { toCanonicalYaml } from '@score-nx/engine';
import type { GenerateResult, K8sObject } from '@score-nx/engine';
import { validateDocuments } from '@score-nx/kubeconform';
import { SHARED_DIR } from '../test-support/render';
import { at } from '../blue-green/test-helpers';

/** The objects one provisioner emitted, recognised by their `app.kubernetes.io/component` label. */
export function byComponent(objects: readonly K8sObject[], ...components: string[]): K8sObject[] {
  return objects.filter((o) => components.includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''));
}

/** Canonical YAML of some objects, for golden files that do not change when other provisioners do. */
export const goldenYaml = (objects: readonly K8sObject[]): string => toCanonicalYaml(objects);

/** A DNS subdomain whose labels are all valid DNS-1123 labels (hostnames). */
export function expectValidHostname(host: string): void {
  expect(host.length, host).toBeLessThanOrEqual(253);
  for (const label of host.split('.')) {
    expect(label.length, `${host}: ${label}`).toBeLessThanOrEqual(63);
    expect(label, host).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
}

/** The Service a `<svc>.<ns>.svc.cluster.local` host and port number name, which must exist. */
export function expectServiceTarget(objects: readonly K8sObject[], host: string, port: number | undefined): K8sObject {
  const match = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  expect(match, host).not.toBeNull();
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === match![1] && o.metadata.namespace === match![2]);
  expect(service, `Service for ${host}`).toBeDefined();
  if (port !== undefined) {
    const ports = (at(service, 'spec', 'ports') as Array<{ port: number }>).map((p) => p.port);
    expect(ports, `${host} port`).toContain(port);
  }
  return service!;
}

/** kind/count summary, to show that a value did not add objects. */
export function kindCounts(objects: readonly K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

/** `line:col` of the first occurrence of `needle` (e.g. `"port": 70000`) in a JSON Score file. */
export function positionOfText(text: string, needle: string): string {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/**
 * Strict schema validation like blue-green's expectSchemaValid, skipping kinds without a schema in /work/shared
 * (ACK's FieldExport, services.k8s.aws/v1alpha1): those are reported as skipped, every other object must be valid.
 */
export async function expectSchemaValidSkipping(result: GenerateResult, skip: string[]): Promise<void> {
  const results = await validateDocuments([{ file: `${result.service}-${result.environment.name}.yaml`, content: result.yaml }], {
    kubernetesVersion: result.environment.kubernetesVersion,
    strict: true,
    skip,
    schemaLocations: [
      join(SHARED_DIR, 'schemas', 'kubernetes', '{{ .NormalizedKubernetesVersion }}', '_definitions.json'),
      join(SHARED_DIR, 'schemas', 'crds', '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'),
    ],
    compileCacheDir: join(tmpdir(), 'score-nx-provisioner-kubeconform-cache'),
  });
  const problems = results.filter((r) => r.status !== 'valid' && !(r.status === 'skipped' && skip.includes(r.kind))).map((r) => `${r.kind}/${r.name}: ${r.status} ${r.msg}`);
  expect(problems).toEqual([]);
  expect(results.length).toBe(result.objects.length);
}

/** The env entries of the first container, by name. */
export function containerEnv(objects: readonly K8sObject[], kind = 'Deployment'): Record<string, unknown> {
  const workload = objects.find((o) => o.kind === kind)!;
  const env = (at(workload, 'spec', 'template', 'spec', 'containers', 0, 'env') as Array<{ name: string; value?: string; valueFrom?: unknown }>) ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.valueFrom ?? e.value]));
}
