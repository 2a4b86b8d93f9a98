import { byCodeUnit } from './util/compare';

/**
 * Kubernetes object types and the labels and annotations the engine writes, in one place (score-k8s keeps them
 * in internal/k8s.go). Every phase of the pipeline that names a label takes it from here.
 */
export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: K8sMetadata };
export interface K8sMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** The pod template of a converted workload, which workload patches then change. */
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

export const MANAGED_BY = 'score-nx';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const NAME_LABEL = 'app.kubernetes.io/name';
export const WORKLOAD_NAME_ANNOTATION = 'k8s.score.dev/workload-name';
export const KIND_ANNOTATION = 'k8s.score.dev/kind';
export const SERVICE_NAME_ANNOTATION = 'k8s.score.dev/service-name';

/** Kinds that have no namespace: they keep exactly the labels their template gives. */
export const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'ClusterSecretStore', 'PriorityClass', 'IngressClass']);

/**
 * The `app.kubernetes.io/instance` value: the workload name and the instance suffix, with the name cut so the
 * value stays a valid label value (63 characters). The suffix hashes the full name, so cut names stay distinct.
 */
export function instanceLabel(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length).replace(/[-_.]+$/, '')}${suffix}`;
}

/** The labels the workload conversion writes on the objects it makes. */
export function workloadLabels(name: string, instance: string): Record<string, string> {
  return { [INSTANCE_LABEL]: instance, [MANAGED_BY_LABEL]: MANAGED_BY, [NAME_LABEL]: name };
}

/**
 * Labels every object of a render carries: the workload labels and the platform's team/system labels taken
 * from workload metadata (`labelKeys`: label → metadata key, from the library).
 */
export function standardLabels(name: string, instance: string, labelKeys: Readonly<Record<string, string>>, metadata: Record<string, unknown>): Record<string, string> {
  const labels = workloadLabels(name, instance);
  for (const [label, key] of Object.entries(labelKeys)) {
    const value = metadata[key];
    if (typeof value === 'string' && value !== '') labels[label] = labelValue(value);
  }
  return labels;
}

/** A label value: 63 characters at most, alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
function labelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * Namespaced objects get the render's namespace when they have none, and the standard labels under their own.
 * Cluster-scoped objects (a Namespace several services share) keep exactly the labels their template gives, so
 * that every service emits the same object.
 */
export function withDefaults(object: K8sObject, namespace: string, labels: Record<string, string>): K8sObject {
  if (CLUSTER_SCOPED.has(object.kind)) return object;
  const metadata = { ...object.metadata, labels: { ...labels, ...(object.metadata.labels ?? {}) } };
  if (metadata.namespace === undefined) metadata.namespace = namespace;
  return { ...object, metadata };
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

/** The identity of an object in a render: two objects with one key are one object. */
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
