import { Document, visit } from 'yaml';
import type { K8sObject } from '../convert/workload';

/**
 * Canonical output: keys sorted by code unit at every level, sequences in their given order, two-space indent,
 * no line folding, and `---` before every document. Every string that a YAML 1.1 reader (kubectl, Argo CD,
 * kubeconform, via go-yaml v2) or a YAML 1.2 reader could take for another type is double-quoted.
 */
export function toCanonicalYaml(objects: readonly unknown[]): string {
  return objects.map((o) => `---\n${stringifyDocument(o)}`).join('');
}

export function stringifyDocument(value: unknown): string {
  const doc = new Document(sortKeys(value), { version: '1.1' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      // A block literal is always a string, and keeps multi-line content (scripts, config files) readable.
      if (node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
      else if (isAmbiguous(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        // YAML 1.1's merge tag claims `<<` and writes it plain, whatever the type: only an explicit tag keeps it a string.
        if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
      }
    },
  });
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

/** Strings a YAML 1.1 or 1.2 reader may resolve to a non-string, or that are easy to misread. */
const NUMBER_LIKE = /^(?:[-+]?[.\d]|[~=<])/;
const KEYWORD_LIKE = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

function isAmbiguous(value: string): boolean {
  return value === '' || NUMBER_LIKE.test(value) || KEYWORD_LIKE.test(value);
}

/** A deep copy with map keys in code-unit order, so that output never depends on input key order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(byCodeUnit)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order objects are written in: the apply order Helm uses for built-in kinds (namespaces and identities
 * before the workloads that use them), then custom resources by kind; ties broken by apiVersion, namespace, name.
 */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod',
  'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService',
];
const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

export function objectKey(o: K8sObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export function compareObjects(a: K8sObject, b: K8sObject): number {
  const ra = KIND_RANK.get(a.kind) ?? KIND_ORDER.length;
  const rb = KIND_RANK.get(b.kind) ?? KIND_ORDER.length;
  if (ra !== rb) return ra - rb;
  return (
    byCodeUnit(a.kind, b.kind) ||
    byCodeUnit(a.apiVersion, b.apiVersion) ||
    byCodeUnit(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    byCodeUnit(a.metadata.name, b.metadata.name)
  );
}
