import { posix } from 'node:path';
import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import { RefError, substitute, workloadResolver } from '../score/placeholders';
import type { PlaceholderContext } from '../score/placeholders';
import type { ScoreContainer, ScoreFile, ScoreProbe, ScoreWorkload } from '../score/types';
import { byCodeUnit } from '../util/compare';
import { instanceLabel, KIND_ANNOTATION, SERVICE_NAME_ANNOTATION, WORKLOAD_NAME_ANNOTATION, workloadLabels } from '../k8s';
import type { K8sMetadata, K8sObject, PodTemplate } from '../k8s';
import { shortHash } from '../util/hash';
import { canonicalQuantity, QuantityError } from './quantity';
import { containsSecretRef, decodeSecretRefs, secretRefEnvName } from './secrets';
import type { SecretRef } from './secrets';

/** A resource of the workload as the conversion sees it: its unique id and the outputs its provisioner returned. */
export interface ProvisionedResource {
  uid: string;
  outputs: Record<string, unknown>;
}

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
    const mounts: Record<string, unknown>[] = [];
    convertVolumes(container, containerName, options, resolve, path, mounts, podVolumes, claimTemplates, kind);
    convertFiles(container, containerName, name, options, resolve, path, mounts, podVolumes, configMaps, meta);
    if (mounts.length > 0) out['volumeMounts'] = mounts;
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

function substituteAt(value: string, resolve: (ref: string, parts: string[]) => unknown, path: DocPath): string {
  try {
    return substitute(value, resolve);
  } catch (err) {
    if (err instanceof RefError) throw new DocumentError(path, err.message);
    throw err;
  }
}

function convertVariables(
  container: ScoreContainer,
  resolve: (ref: string, parts: string[]) => unknown,
  path: DocPath,
): Record<string, unknown>[] {
  const plain: Record<string, unknown>[] = [];
  const helpers = new Map<string, Record<string, unknown>>();
  for (const varName of Object.keys(container.variables ?? {}).sort(byCodeUnit)) {
    const raw = container.variables![varName]!;
    const value = substituteAt(String(raw), resolve, [...path, varName]);
    const parts = decodeSecretRefs(value);
    const refs = parts.filter((p): p is SecretRef => typeof p !== 'string');
    if (refs.length === 0) {
      plain.push(value === '' ? { name: varName } : { name: varName, value });
    } else if (parts.length === 1) {
      plain.push({ name: varName, valueFrom: { secretKeyRef: { name: refs[0]!.name, key: refs[0]!.key } } });
    } else {
      let composed = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          composed += part;
          continue;
        }
        const helper = secretRefEnvName(part);
        helpers.set(helper, { name: helper, valueFrom: { secretKeyRef: { name: part.name, key: part.key } } });
        composed += `$(${helper})`;
      }
      plain.push({ name: varName, value: composed });
    }
  }
  const helperList = [...helpers.keys()].sort(byCodeUnit).map((k) => helpers.get(k)!);
  return [...helperList, ...plain];
}

function convertResources(container: ScoreContainer, path: DocPath): Record<string, unknown> | undefined {
  if (!container.resources) return undefined;
  const out: Record<string, unknown> = {};
  for (const group of ['limits', 'requests'] as const) {
    const list = container.resources[group];
    if (!list) continue;
    const converted: Record<string, string> = {};
    for (const res of ['cpu', 'memory'] as const) {
      const value = list[res];
      if (value === undefined) continue;
      try {
        converted[res] = canonicalQuantity(value);
      } catch (err) {
        if (err instanceof QuantityError) throw new DocumentError([...path, group, res], err.message);
        throw err;
      }
    }
    out[group] = converted;
  }
  return out;
}

function convertProbe(probe: ScoreProbe): Record<string, unknown> {
  if (probe.httpGet) {
    const { path, port, host, scheme, httpHeaders } = probe.httpGet;
    return {
      httpGet: {
        path,
        port,
        ...(host !== undefined ? { host } : {}),
        ...(scheme !== undefined ? { scheme } : {}),
        ...(httpHeaders ? { httpHeaders: httpHeaders.map((h) => ({ name: h.name, value: h.value })) } : {}),
      },
    };
  }
  return { exec: { command: [...probe.exec!.command] } };
}

function convertVolumes(
  container: ScoreContainer,
  containerName: string,
  options: ConvertOptions,
  resolve: (ref: string, parts: string[]) => unknown,
  path: DocPath,
  mounts: Record<string, unknown>[],
  podVolumes: Record<string, unknown>[],
  claimTemplates: Record<string, unknown>[],
  kind: string,
): void {
  const volumes = container.volumes ?? {};
  for (const target of Object.keys(volumes).sort(byCodeUnit)) {
    const volume = volumes[target]!;
    const volPath: DocPath = [...path, 'volumes', target, 'source'];
    const resource = resolveVolumeSource(volume.source, options, resolve, volPath);
    const outputs = resource.outputs;
    const extra = Object.keys(outputs).filter((k) => k !== 'source' && k !== 'claimSpec');
    if (extra.length > 0) {
      throw new DocumentError(volPath, `resource '${resource.uid}' outputs cannot be used as a volume: unknown output '${extra[0]}' (expected 'source' or 'claimSpec')`);
    }
    const hasSource = outputs['source'] !== undefined;
    const hasClaim = outputs['claimSpec'] !== undefined;
    if (hasSource === hasClaim) {
      throw new DocumentError(volPath, `resource '${resource.uid}' outputs cannot be used as a volume: either 'source' or 'claimSpec' required`);
    }
    const name = `vol-${shortHash([containerName, target])}`;
    if (hasSource) {
      const source = outputs['source'];
      if (!isNonEmptyRecord(source)) throw new DocumentError(volPath, `resource '${resource.uid}' outputs cannot be used as a volume: source is empty`);
      podVolumes.push({ name, ...source });
    } else {
      const claimSpec = outputs['claimSpec'];
      if (!isNonEmptyRecord(claimSpec)) throw new DocumentError(volPath, `resource '${resource.uid}' outputs cannot be used as a volume: claimSpec is empty`);
      if (kind !== 'StatefulSet') {
        throw new DocumentError(volPath, `resource '${resource.uid}' provides a volume claim, and volume claims can only be set on stateful sets (annotation ${KIND_ANNOTATION}: StatefulSet)`);
      }
      claimTemplates.push({ metadata: { name }, spec: claimSpec });
    }
    mounts.push({
      name,
      mountPath: target,
      ...(volume.path !== undefined ? { subPath: volume.path } : {}),
      ...(volume.readOnly !== undefined ? { readOnly: volume.readOnly } : {}),
    });
  }
}

function resolveVolumeSource(
  source: string,
  options: ConvertOptions,
  resolve: (ref: string, parts: string[]) => unknown,
  path: DocPath,
): ProvisionedResource {
  // `${resources.<name>}` (exactly two parts) names the resource itself; anything else is substituted normally
  // and must then be a resource uid.
  const whole = /^\$\{resources\.([^.}]+)\}$/.exec(source);
  if (whole) {
    const resource = Object.hasOwn(options.resources, whole[1]!) ? options.resources[whole[1]!] : undefined;
    if (!resource) throw new DocumentError(path, `invalid ref 'resources.${whole[1]}': no known resource '${whole[1]}'`);
    return resource;
  }
  const resolved = substituteAt(source, resolve, path);
  const byUid = Object.values(options.resources).find((r) => r.uid === resolved);
  if (!byUid) throw new DocumentError(path, `resource '${resolved}' does not exist`);
  return byUid;
}

interface FileVolume {
  target: string;
  dir: string;
  volume: Record<string, unknown>;
  /** The projection of this file, for when several files share a directory. */
  projection: Record<string, unknown>;
}

function convertFiles(
  container: ScoreContainer,
  containerName: string,
  workloadName: string,
  options: ConvertOptions,
  resolve: (ref: string, parts: string[]) => unknown,
  path: DocPath,
  mounts: Record<string, unknown>[],
  podVolumes: Record<string, unknown>[],
  configMaps: K8sObject[],
  meta: (name: string) => K8sMetadata,
): void {
  const files = container.files ?? {};
  const fileVolumes: FileVolume[] = [];
  for (const target of Object.keys(files).sort(byCodeUnit)) {
    const file = files[target]!;
    const filePath: DocPath = [...path, 'files', target];
    const h = shortHash([containerName, target]);
    const mode = parseMode(file, filePath);
    const item = { path: posix.basename(target), ...(mode !== undefined ? { mode } : {}) };
    const content = fileContent(file, options, resolve, filePath);
    const dir = posix.dirname(target);
    if (typeof content === 'string' && containsSecretRef(content)) {
      const parts = decodeSecretRefs(content);
      if (parts.length !== 1 || typeof parts[0] === 'string') {
        const field = file.content !== undefined ? 'content' : 'source';
        throw new DocumentError([...filePath, field], 'contained a mix of secret references and raw content');
      }
      const ref = parts[0];
      const items = [{ key: ref.key, ...item }];
      fileVolumes.push({
        target,
        dir,
        volume: { name: `file-${h}`, secret: { secretName: ref.name, items } },
        projection: { secret: { name: ref.name, items } },
      });
      continue;
    }
    const configMapName = `${workloadName}-${containerName}-file-${h}`;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const text = typeof content === 'string' ? content : textOrUndefined(bytes);
    configMaps.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...meta(configMapName) },
      ...(text !== undefined ? { data: { file: text } } : { binaryData: { file: bytes.toString('base64') } }),
    });
    const items = [{ key: 'file', ...item }];
    fileVolumes.push({
      target,
      dir,
      volume: { name: `file-${h}`, configMap: { name: configMapName, items } },
      projection: { configMap: { name: configMapName, items } },
    });
  }
  // Files that land in one directory are projected into one volume: two volumes cannot mount at one path.
  const byDir = new Map<string, FileVolume[]>();
  for (const fv of fileVolumes) byDir.set(fv.dir, [...(byDir.get(fv.dir) ?? []), fv]);
  for (const dir of [...byDir.keys()].sort(byCodeUnit)) {
    const group = byDir.get(dir)!;
    // Two mounts at one path make an invalid pod: a volume mounted where files need their folder.
    if (mounts.some((m) => m['mountPath'] === dir)) {
      throw new DocumentError([...path, 'files', group[0]!.target], `its folder '${dir}' is already the mount path of a volume`);
    }
    if (group.length === 1) {
      const { volume } = group[0]!;
      podVolumes.push(volume);
      mounts.push({ name: volume['name'], mountPath: dir, readOnly: true });
    } else {
      const name = `proj-${shortHash([containerName, dir])}`;
      podVolumes.push({ name, projected: { sources: group.map((g) => g.projection) } });
      mounts.push({ name, mountPath: dir, readOnly: true });
    }
  }
}

function fileContent(
  file: ScoreFile,
  options: ConvertOptions,
  resolve: (ref: string, parts: string[]) => unknown,
  path: DocPath,
): string | Buffer {
  if (file.binaryContent !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.binaryContent.replace(/\s+/g, ''))) {
      throw new DocumentError([...path, 'binaryContent'], 'is not valid standard base64');
    }
    return Buffer.from(file.binaryContent, 'base64');
  }
  let text: string;
  if (file.content !== undefined) {
    text = file.content;
  } else if (file.source !== undefined) {
    const bytes = options.readSource(file.source, [...path, 'source']);
    if (file.noExpand) return bytes;
    const decoded = utf8OrUndefined(bytes);
    if (decoded === undefined) {
      throw new DocumentError([...path, 'source'], 'source content contains non-utf8 bytes; set noExpand: true or use binaryContent');
    }
    text = decoded;
  } else {
    throw new DocumentError(path, "missing 'content', 'binaryContent' or 'source'");
  }
  if (file.noExpand) return text;
  return substituteAt(text, resolve, [...path, file.content !== undefined ? 'content' : 'source']);
}

/** Bytes as text when they are UTF-8 without control characters (other than tab and line breaks): data, not binaryData. */
function textOrUndefined(bytes: Buffer): string | undefined {
  const text = utf8OrUndefined(bytes);
  // eslint-disable-next-line no-control-regex
  return text === undefined || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseMode(file: ScoreFile, path: DocPath): number | undefined {
  if (file.mode === undefined) return undefined;
  // Kubernetes accepts item modes up to 0777 only (no setuid/setgid/sticky bits).
  if (!/^0?[0-7]{3}$/.test(file.mode)) {
    throw new DocumentError([...path, 'mode'], `failed to parse '${file.mode}': expected an octal file mode such as 0644`);
  }
  return parseInt(file.mode, 8);
}

function isNonEmptyRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
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
