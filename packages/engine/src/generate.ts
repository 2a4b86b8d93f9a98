import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { assembleObjects, renderManifests } from './assemble';
import type { SourcedObject } from './assemble';
import { assertNoSecretRefs } from './convert/secrets';
import { convertWorkload, instanceLabel, MANAGED_BY, servicePorts } from './convert/workload';
import type { K8sObject } from './convert/workload';
import { DocumentError, UserError } from './errors';
import { sortKeys } from './output/canonical-yaml';
import { applyImages, instanceSuffix } from './render-workload';
import { loadScoreFile } from './score/load-score';
import type { LoadedScore } from './score/load-score';
import { readSourceInside } from './util/files';
import { didYouMean } from './util/did-you-mean';
import { loadEnvironments, libraryVersionFor, loadServiceConfig, namespaceRefusal, platformOwnedKeySetBy, resolveEnvironment, SERVICE_CONFIG_FILE } from './provisioners/environments';
import type { ResolvedEnvironment, ServiceConfig } from './provisioners/environments';
import { provisioningOrder } from './provisioners/graph';
import { loadLibrary, releasedLibrary, workspaceLibrary } from './provisioners/library';
import type { Library, LibrarySource } from './provisioners/library';
import { RELEASES_FILE } from './provisioners/releases';
import { applyWorkloadPatches, provisionResource, renderResourceManifests, resourceUid } from './provisioners/runtime';
import type { ProvisionedResourceState, ProvisionerContext } from './provisioners/runtime';
import { extendedValidator } from './provisioners/schema';
import { mergeSharedCopies, serviceNamespace, workspaceSharing } from './sharing';
import type { SharedCopy, Sharing } from './sharing';

export interface GenerateRequest {
  /** Absolute path of the workspace (where environments/, provisioners/ and the releases file live). */
  workspaceRoot: string;
  /** The service folder (holding score.yaml), absolute or relative to the workspace. */
  serviceDir: string;
  environment: string;
  /** Pull request number, for preview environments. */
  pr?: number;
  /** Renders with this library instead of the one the service config selects (`diff --provisioners`). */
  libraryVersion?: string;
  /** Reuses loaded libraries across renders of one process (batch mode). */
  cache?: GenerateCache;
}

export interface GenerateResult {
  service: string;
  environment: ResolvedEnvironment;
  namespace: string;
  libraryVersion: string;
  libraryHash: string;
  objects: K8sObject[];
  yaml: string;
  /** Workspace-relative files the output depends on (besides the library), for cache inputs. */
  inputs: string[];
  /** Things the user should know (deprecated forms upgraded...). */
  warnings: string[];
  /** Objects this service shares with others (see sharing.ts): left out of `objects`, rendered once by `generateShared`. */
  shared: K8sObject[];
}

export class GenerateCache {
  readonly sources = new Map<string, LibrarySource>();
  readonly libraries = new Map<string, Library>();
  /** What services of an environment share, by environment name. */
  readonly sharing = new Map<string, Sharing>();

  /** Removes temp folders of extracted releases (command provisioners). */
  dispose(): void {
    for (const source of this.sources.values()) source.dispose();
  }
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'ClusterSecretStore', 'PriorityClass', 'IngressClass']);

export function loadLibraryVersion(workspaceRoot: string, version: string, cache = new GenerateCache()): Library {
  let source = cache.sources.get(version);
  if (!source) {
    source = version === 'workspace' ? workspaceLibrary(workspaceRoot) : releasedLibrary(workspaceRoot, version);
    cache.sources.set(version, source);
  }
  const key = `${version}:${source.contentHash}`;
  let library = cache.libraries.get(key);
  if (!library) {
    library = loadLibrary(source);
    cache.libraries.set(key, library);
  }
  return library;
}

/** Renders one service for one environment: the whole pipeline of docs/architecture.md. */
export function generateService(req: GenerateRequest): GenerateResult {
  const root = resolve(req.workspaceRoot);
  const serviceDir = resolve(root, req.serviceDir);
  const displayDir = relative(root, serviceDir).split('\\').join('/');
  const scorePath = join(serviceDir, 'score.yaml');
  if (!existsSync(scorePath)) throw new UserError(`${displayDir || '.'}: the folder has no score.yaml`);
  const cache = req.cache ?? new GenerateCache();
  const env = resolveEnvironment(cacheEnvironments(cache, root), req.environment, req.pr);
  const config = loadServiceConfig(serviceDir, displayDir);
  const envConfig = config ? requireEnvironmentEntry(config, env.name) : undefined;
  const version = req.libraryVersion ?? libraryVersionFor(env, config);
  const library = placeLibraryError(() => loadLibraryVersion(root, version, cache), req.libraryVersion === undefined ? env : undefined, config);
  const scoreDisplay = displayDir ? `${displayDir}/score.yaml` : 'score.yaml';
  const score = loadScoreFile(scorePath, scoreDisplay, extendedValidator(library), serviceDir);
  try {
    let sharing = cache.sharing.get(env.name);
    if (!sharing) {
      sharing = workspaceSharing(root, env);
      cache.sharing.set(env.name, sharing);
    }
    return render(root, serviceDir, score, env, config, envConfig?.images ?? {}, library, version, sharing);
  } catch (err) {
    if (err instanceof DocumentError) throw err.inFile(score.file, score.source.locate);
    throw err;
  }
}

/** A library version that cannot be loaded is reported where it was chosen: the service config's key, or the environment file. */
function placeLibraryError<T>(load: () => T, env: ResolvedEnvironment | undefined, config: ServiceConfig | undefined): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof UserError) || err instanceof DocumentError || env === undefined) throw err;
    if (config?.environments[env.name]?.provisioners !== undefined) throw config.source.error(['environments', env.name, 'provisioners'], err.message);
    throw new UserError(`${env.file}: ${err.message}`);
  }
}

function cacheEnvironments(cache: GenerateCache, root: string) {
  const c = cache as GenerateCache & { envs?: ReturnType<typeof loadEnvironments> };
  c.envs ??= loadEnvironments(root);
  return c.envs;
}

function requireEnvironmentEntry(config: ServiceConfig, env: string) {
  const entry = config.environments[env];
  if (!entry) {
    const listed = Object.keys(config.environments);
    throw config.source.error(['environments'], `the service does not deploy to environment '${env}'${didYouMean(env, listed)} (it deploys to: ${listed.join(', ') || 'none'})`);
  }
  return entry;
}

function render(
  root: string,
  serviceDir: string,
  score: LoadedScore,
  env: ResolvedEnvironment,
  config: ServiceConfig | undefined,
  images: Record<string, string>,
  library: Library,
  version: string,
  sharing: Sharing,
): GenerateResult {
  const workload = applyImagesFromConfig(score, images, config, env.name);
  const name = workload.metadata.name;
  const owned = platformOwnedKeySetBy(env, workload.metadata);
  if (owned !== undefined) {
    const allowed = env.workloadMetadata ? `a Score file may set: ${['name', 'annotations', ...env.workloadMetadata].join(', ')}` : `the environment sets it`;
    throw new DocumentError(['metadata', owned], `'${owned}' is platform-owned metadata in environment '${env.name}' (${env.file}); ${allowed}`);
  }
  // The environment's values last, so that a platform-owned key can never come from the workload.
  const metadata = { ...workload.metadata, ...env.metadata };
  const namespace = serviceNamespace(env, workload.metadata, name);
  const refusal = namespaceRefusal(env, namespace, metadata['repoSlug']);
  if (refusal !== undefined) throw new DocumentError(['metadata', Object.hasOwn(workload.metadata, env.namespace.fromMetadata) ? env.namespace.fromMetadata : 'name'], refusal);
  const suffix = instanceSuffix(name, env.pr !== undefined ? `${env.name}-pr-${env.pr}` : env.name);
  const instance = instanceLabel(name, suffix);
  const labels = standardLabels(name, instance, library, metadata);
  const inputs = new Set<string>([score.file, `environments/${env.name}.yaml`]);
  if (config) inputs.add(config.file);
  if (version !== 'workspace') inputs.add(RELEASES_FILE);

  const environment = { name: env.name, kubernetesVersion: env.kubernetesVersion, metadata: env.metadata, capabilities: env.capabilities, preview: env.preview, pr: env.pr ?? null };
  const ports = servicePorts(workload);
  const workloadContext: Record<string, unknown> = {
    name,
    metadata,
    annotations: workload.metadata.annotations ?? {},
    containers: workload.containers,
    ports,
    instance,
    selector: { 'app.kubernetes.io/instance': instance },
  };
  const base = { workload: workloadContext, environment, namespace, labels };

  // Phase 1: resources in provisioning order; shared resources (same uid) are provisioned once.
  const declared = workload.resources ?? {};
  const states = new Map<string, ProvisionedResourceState>();
  const byUid = new Map<string, ProvisionedResourceState>();
  // The declared params (before substitution and defaults) of each uid's first declaration, key order aside.
  const declaredParams = new Map<string, string>();
  for (const resName of provisioningOrder(declared)) {
    const decl = declared[resName]!;
    const uid = resourceUid(name, resName, decl);
    const shared = byUid.get(uid);
    if (shared) {
      if (decl.params !== undefined && declaredParams.get(uid) !== JSON.stringify(sortKeys(decl.params))) {
        throw new DocumentError(['resources', resName, 'params'], `resource '${uid}' is declared twice (as '${shared.name}' and '${resName}') with different params`);
      }
      states.set(resName, shared);
      continue;
    }
    const state = provisionResource(library, resName, decl, uid, metadata, states, base);
    states.set(resName, state);
    byUid.set(uid, state);
    declaredParams.set(uid, JSON.stringify(sortKeys(decl.params ?? {})));
  }
  const unique = [...byUid.values()];
  const owners = unique.filter((s) => s.provisioner.ownsWorkload);
  if (owners.length > 1) {
    throw new DocumentError(['resources', owners[1]!.name], `only one resource may own the workload, and '${owners[0]!.name}' (${owners[0]!.type}) already does`);
  }

  // Phase 2: the workload itself, with the outputs of its resources and their patches.
  const converted = convertWorkload(workload, {
    instanceSuffix: suffix,
    namespace,
    metadata,
    resources: Object.fromEntries([...states.entries()].map(([n, s]) => [n, { uid: s.uid, outputs: s.outputs }])),
    readSource: (source, path) => {
      const content = readSourceInside(serviceDir, score.absolutePath, source, path);
      inputs.add(relative(root, resolve(serviceDir, source)).split('\\').join('/'));
      return content;
    },
  });
  applyWorkloadPatches(converted.podTemplate, unique);
  Object.assign(converted.podTemplate.metadata.labels, labels);
  applyContainerSecurityContext(converted.podTemplate.spec, library.containerSecurityContext);

  // Phase 3: manifests, with the final pod template.
  workloadContext['podTemplate'] = converted.podTemplate;
  workloadContext['kind'] = owners[0] ? 'owned' : converted.kind;
  workloadContext['owner'] = owners[0] ? { name: owners[0].name, type: owners[0].type, outputs: owners[0].outputs } : null;
  const allOutputs = Object.fromEntries([...states.entries()].map(([n, s]) => [n, s.outputs]));
  const objects: SourcedObject[] = [];
  // Objects of resources whose id other services declare too, and the Namespace of a namespace they deploy into,
  // belong to the platform's shared output, not to this service.
  const shared: K8sObject[] = [];
  const sharedNamespace = sharing.namespaces.has(namespace);
  for (const state of unique) {
    const context: ProvisionerContext = {
      ...base,
      resource: { name: state.name, uid: state.uid, type: state.type, class: state.class, id: state.id ?? null, params: state.params, metadata: state.metadata },
      resources: allOutputs,
    };
    const origin = `resources.${state.name} (provisioner '${state.provisioner.folder}')`;
    for (const object of renderResourceManifests(state, context)) {
      assertNoSecretRefs(object, [], `${origin} ${object.kind} '${object.metadata.name}'`);
      const placed = withDefaults(object, namespace, labels);
      if (sharing.uids.has(state.uid) || (sharedNamespace && object.kind === 'Namespace' && object.metadata.name === namespace)) shared.push(placed);
      else objects.push({ object: placed, origin });
    }
  }
  const workloadOrigin = `workload '${name}'`;
  const engineObjects = owners.length > 0 ? converted.configMaps : [...converted.configMaps, ...converted.services, converted.controller];
  for (const object of engineObjects) objects.push({ object: withDefaults(object, namespace, labels), origin: workloadOrigin });

  const { objects: sorted, yaml } = renderManifests(objects);
  return {
    service: name,
    environment: env,
    namespace,
    libraryVersion: version,
    libraryHash: library.source.contentHash,
    objects: sorted,
    yaml,
    inputs: [...inputs].sort(),
    warnings: score.upgrades.map((u) => `${score.file}: ${u}`),
    shared: assembleObjects(shared.map((object) => ({ object, origin: workloadOrigin }))),
  };
}

function applyImagesFromConfig(score: LoadedScore, images: Record<string, string>, config: ServiceConfig | undefined, env: string) {
  for (const container of Object.keys(images)) {
    if (!Object.hasOwn(score.workload.containers, container)) {
      throw config!.source.error(['environments', env, 'images', container], `no container '${container}'${didYouMean(container, Object.keys(score.workload.containers))} in ${score.file} (containers: ${Object.keys(score.workload.containers).sort().join(', ')})`);
    }
  }
  try {
    return applyImages(score, images);
  } catch (err) {
    if (err instanceof DocumentError && !config) {
      throw new UserError(`${err.message}: add it to ${SERVICE_CONFIG_FILE} under environments.${env}.images`);
    }
    if (err instanceof DocumentError) throw new UserError(`${err.message}: set environments.${env}.images.${String(err.path[1])} in ${config!.file}`);
    throw err;
  }
}

/**
 * The library's container securityContext on every container of the pod template (Score has no such field, so
 * nothing from a Score file is overridden); Rollouts and Jobs built from the pod template inherit it.
 */
function applyContainerSecurityContext(podSpec: Record<string, unknown>, securityContext: Record<string, unknown>): void {
  if (Object.keys(securityContext).length === 0) return;
  for (const container of podSpec['containers'] as Record<string, unknown>[]) {
    container['securityContext'] = { ...securityContext, ...((container['securityContext'] as Record<string, unknown> | undefined) ?? {}) };
  }
}

/** Labels every object carries: app.kubernetes.io/* and the platform's team/system labels from workload metadata. */
function standardLabels(name: string, instance: string, library: Library, metadata: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': name,
  };
  for (const [label, key] of Object.entries(library.labels)) {
    const value = metadata[key];
    if (typeof value === 'string' && value !== '') labels[label] = labelValue(value);
  }
  return labels;
}

/** A label value: 63 characters at most, alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric. */
function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned;
}

/**
 * Namespaced objects get the render's namespace when they have none, and the standard labels under their own.
 * Cluster-scoped objects (a Namespace several services share) keep exactly the labels their template gives, so
 * that every service emits the same object.
 */
function withDefaults(object: K8sObject, namespace: string, labels: Record<string, string>): K8sObject {
  if (CLUSTER_SCOPED.has(object.kind)) return object;
  const metadata = { ...object.metadata, labels: { ...labels, ...(object.metadata.labels ?? {}) } };
  if (metadata.namespace === undefined) metadata.namespace = namespace;
  return { ...object, metadata };
}

export interface SharedRenderResult {
  environment: ResolvedEnvironment;
  objects: K8sObject[];
  yaml: string;
  /** The services whose renders it was made from, sorted. */
  services: string[];
}

/**
 * The platform-owned output of one environment: every object that two or more services share (see sharing.ts),
 * once. Made from the services' own renders, so a shared resource is exactly what its provisioner gives; copies
 * that differ are an error naming both services.
 */
/**
 * The platform-owned output of an environment: the objects services share, once, and `platformObjects` (objects
 * the platform owns outright, e.g. its admission policies; the caller reads them, the engine only renders them).
 */
export function generateShared(req: { workspaceRoot: string; environment: string; pr?: number; cache?: GenerateCache; platformObjects?: readonly K8sObject[] }): SharedRenderResult {
  const root = resolve(req.workspaceRoot);
  const cache = req.cache ?? new GenerateCache();
  const env = resolveEnvironment(cacheEnvironments(cache, root), req.environment, req.pr);
  let sharing = cache.sharing.get(env.name);
  if (!sharing) {
    sharing = workspaceSharing(root, env);
    cache.sharing.set(env.name, sharing);
  }
  const involved = new Set([...sharing.namespaces.values(), ...sharing.uids.values()].flat());
  const copies: SharedCopy[] = [];
  const labelKeys = new Set<string>();
  for (const service of [...involved].sort()) {
    const path = sharing.folders.get(service)!;
    const result = generateService({ workspaceRoot: root, serviceDir: path, environment: env.name, cache, ...(req.pr !== undefined ? { pr: req.pr } : {}) });
    for (const key of Object.keys(loadLibraryVersion(root, result.libraryVersion, cache).labels)) labelKeys.add(key);
    for (const object of result.shared) copies.push({ object, service, file: `${path}/score.yaml` });
  }
  const { objects, yaml } = renderManifests([
    ...mergeSharedCopies(copies, labelKeys).map((object) => ({ object, origin: 'the shared output' })),
    ...(req.platformObjects ?? []).map((object) => ({ object, origin: 'the platform' })),
  ]);
  return { environment: env, objects, yaml, services: [...involved].sort() };
}
