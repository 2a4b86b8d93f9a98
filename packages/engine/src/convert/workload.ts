import type { DocPath } from '../errors';
import { DocumentError } from '../errors';
import { instanceLabel, KIND_ANNOTATION, SERVICE_NAME_ANNOTATION, WORKLOAD_NAME_ANNOTATION, workloadLabels } from '../k8s';
import type { K8sMetadata, K8sObject, PodTemplate } from '../k8s';
import { workloadResolver } from '../score/placeholders';
import type { PlaceholderContext } from '../score/placeholders';
import type { ScoreWorkload } from '../score/types';
import { byCodeUnit } from '../util/compare';
import { convertFiles } from './files';
import { convertProbe } from './probes';
import { convertResources } from './resources';
import { convertVariables } from './variables';
import { convertVolumes } from './volumes';
import type { ProvisionedResource } from './volumes';

export type { ProvisionedResource } from './volumes';

export interface ConvertOptions {
  /** Stable suffix of the `app.kubernetes.io/instance` label (the reference draws it at random). */
  instanceSuffix: string;
  namespace?: string;
  /** Metadata visible to `${metadata.*}`: the workload's own, over the environment's. */
  metadata: Record<string, unknown>;
  resources: Record<string, ProvisionedResource>;
  /** Reads a `files.*.source` (already checked to stay inside the service folder). */
  readSource: (source: string, path: DocPath) => Buffer;
}

/** The pieces of a converted workload; a provisioner that owns the workload replaces `controller` and `services`. */
export interface ConvertedWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  selector: Record<string, string>;
  labels: Record<string, string>;
  podTemplate: PodTemplate;
  /** ConfigMaps that carry `files` content. */
  configMaps: K8sObject[];
  /** The Service for `service.ports` (and the headless Service of a StatefulSet). */
  services: K8sObject[];
  /** The Deployment or StatefulSet. */
  controller: K8sObject;
}

/** Converts one Score workload into Kubernetes objects, with score-k8s semantics (see docs/architecture.md). */
export function convertWorkload(workload: ScoreWorkload, options: ConvertOptions): ConvertedWorkload {
  const name = workload.metadata.name;
  const annotations = workload.metadata.annotations ?? {};
  const kindAnnotation = annotations[KIND_ANNOTATION];
  const kind = kindAnnotation ?? 'Deployment';
  if (kind !== 'Deployment' && kind !== 'StatefulSet') {
    throw new DocumentError(
      ['metadata', 'annotations', KIND_ANNOTATION],
      `unsupported workload kind '${kind}': use Deployment or StatefulSet`,
    );
  }
  const instance = instanceLabel(name, options.instanceSuffix);
  const labels = workloadLabels(name, instance);
  const selector = { 'app.kubernetes.io/instance': instance };
  const topAnnotations = { [WORKLOAD_NAME_ANNOTATION]: name };
  const podAnnotations: Record<string, string> = { [WORKLOAD_NAME_ANNOTATION]: name };
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith('k8s.score.dev/') && typeof value === 'string') podAnnotations[key] = value;
  }
  const meta = (objectName: string): K8sMetadata => ({
    name: objectName,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: { ...labels },
    annotations: { ...topAnnotations },
  });

  const resolve = workloadResolver({
    metadata: options.metadata,
    resources: Object.fromEntries(Object.entries(options.resources).map(([k, v]) => [k, v.outputs])),
  } satisfies PlaceholderContext);

  const containers: Record<string, unknown>[] = [];
  const podVolumes: Record<string, unknown>[] = [];
  const claimTemplates: Record<string, unknown>[] = [];
  const configMaps: K8sObject[] = [];
  for (const containerName of Object.keys(workload.containers).sort()) {
    const container = workload.containers[containerName]!;
    const path: DocPath = ['containers', containerName];
    const out: Record<string, unknown> = { name: containerName, image: container.image };
    if (container.command) out['command'] = [...container.command];
    if (container.args) out['args'] = [...container.args];
    const env = convertVariables(container, resolve, [...path, 'variables']);
    if (env.length > 0) out['env'] = env;
    const resources = convertResources(container, [...path, 'resources']);
    if (resources) out['resources'] = resources;
    const volumes = convertVolumes({ container, containerName, kind, resources: options.resources, resolve, path });
    const files = convertFiles({
      container,
      containerName,
      workloadName: name,
      resolve,
      readSource: options.readSource,
      meta,
      takenMountPaths: new Set(volumes.mounts.map((m) => m['mountPath'] as string)),
      path,
    });
    const mounts = [...volumes.mounts, ...files.mounts];
    if (mounts.length > 0) out['volumeMounts'] = mounts;
    podVolumes.push(...volumes.volumes, ...files.volumes);
    claimTemplates.push(...volumes.claimTemplates);
    configMaps.push(...files.configMaps);
    if (container.livenessProbe) out['livenessProbe'] = convertProbe(container.livenessProbe);
    if (container.readinessProbe) out['readinessProbe'] = convertProbe(container.readinessProbe);
    containers.push(out);
  }
  assertUniqueVolumeNames(podVolumes);

  const podSpec: Record<string, unknown> = { containers };
  if (podVolumes.length > 0) podSpec['volumes'] = podVolumes;
  const podTemplate = { metadata: { labels: { ...labels }, annotations: podAnnotations }, spec: podSpec };

  const services: K8sObject[] = [];
  const ports = servicePorts(workload);
  if (ports.length > 0) {
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(annotations[SERVICE_NAME_ANNOTATION] ?? name),
      spec: {
        selector: { ...selector },
        ports,
      },
    });
  }

  let controller: K8sObject;
  if (kind === 'StatefulSet') {
    const headless = `${name}-headless-svc`;
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(headless),
      spec: {
        clusterIP: 'None',
        selector: { ...selector },
        ports: [{ name: 'default', port: 99, targetPort: 99 }],
      },
    });
    controller = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(name),
      spec: {
        serviceName: headless,
        selector: { matchLabels: { ...selector } },
        template: podTemplate,
        ...(claimTemplates.length > 0 ? { volumeClaimTemplates: claimTemplates } : {}),
      },
    };
  } else {
    controller = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: { selector: { matchLabels: { ...selector } }, template: podTemplate },
    };
  }
  return { kind, name, selector, labels, podTemplate, configMaps, services, controller };
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: string;
}

/** `service.ports` by name, with the defaults filled in: targetPort = port, protocol TCP (upper-cased). */
export function servicePorts(workload: ScoreWorkload): ServicePort[] {
  return Object.entries(workload.service?.ports ?? {})
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([name, p]) => ({ name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: (p.protocol ?? 'TCP').toUpperCase() }));
}

function assertUniqueVolumeNames(volumes: Record<string, unknown>[]): void {
  const seen = new Set<string>();
  for (const v of volumes) {
    const name = v['name'] as string;
    // Names hash the container and the target; a clash means a hash collision, which must not pass silently.
    if (seen.has(name)) throw new DocumentError(['containers'], `two volumes would share the pod volume name '${name}'`);
    seen.add(name);
  }
}
