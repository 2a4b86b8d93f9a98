// Helpers shared by the tests of the networking and data provisioners (basic, monitoring, service, postgres, redis, s3-bucket).
import { expect } from 'vitest';
import { toCanonicalYaml } from '@score-nx/engine';
import type { K8sObject } from '@score-nx/engine';
import { at } from './helpers';

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

/** The env entries of the first container, by name. */
export function containerEnv(objects: readonly K8sObject[], kind = 'Deployment'): Record<string, unknown> {
  const workload = objects.find((o) => o.kind === kind)!;
  const env = (at(workload, 'spec', 'template', 'spec', 'containers', 0, 'env') as Array<{ name: string; value?: string; valueFrom?: unknown }>) ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.valueFrom ?? e.value]));
}
