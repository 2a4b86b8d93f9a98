import { resolve } from 'node:path';
import { resolveEnvironment } from './environments/environments';
import type { ResolvedEnvironment } from './environments/environments';
import type { K8sObject } from './k8s';
import { assembleRender, renderManifests } from './pipeline/assemble';
import { cachedEnvironments, cachedSharing, GenerateCache, loadLibraryVersion } from './pipeline/cache';
import { convertAndPatch } from './pipeline/convert';
import { loadService } from './pipeline/load';
import type { LoadInput } from './pipeline/load';
import { provisionerManifests } from './pipeline/manifests';
import { placeAndProvision } from './pipeline/provision';
import { applyPatches } from './provisioners/patches';
import { inScoreFile } from './score/load-score';
import { mergeSharedCopies } from './sharing';
import type { SharedCopy } from './sharing';

export { GenerateCache, loadLibraryVersion } from './pipeline/cache';

/** What to render: a service folder, an environment, and optionally a library version and a cache. */
export type GenerateRequest = LoadInput;

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

/** Renders one service for one environment: the phases of docs/architecture.md ("The pipeline"), in order. */
export function generateService(req: GenerateRequest): GenerateResult {
  const loaded = loadService(req);
  const { score, env, library, version } = loaded;
  return inScoreFile(score, () => {
    const { placed, base, provisioned } = placeAndProvision(loaded);
    const converted = convertAndPatch({ loaded, placed, provisioned });
    const manifests = provisionerManifests({ placed, provisioned, converted, base });
    const patched = applyPatches(library.patches, manifests.objects, { environment: env.name, namespace: placed.namespace, ownershipLabels: placed.labels });
    const { objects, yaml, shared } = assembleRender({ ...manifests, objects: patched, sharedOrigin: `workload '${placed.name}'` });
    return {
      service: placed.name,
      environment: env,
      namespace: placed.namespace,
      libraryVersion: version,
      libraryHash: library.source.contentHash,
      objects,
      yaml,
      inputs: [...placed.inputs].sort(),
      warnings: score.upgrades.map((u) => `${score.file}: ${u}`),
      shared,
    };
  });
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
 * once, and `platformObjects` (objects the platform owns outright, e.g. its admission policies; the caller reads
 * them, the engine only renders them). Made from the services' own renders, so a shared resource is exactly what
 * its provisioner gives; copies that differ are an error naming both services.
 */
export function generateShared(req: { workspaceRoot: string; environment: string; pr?: number; cache?: GenerateCache; platformObjects?: readonly K8sObject[] }): SharedRenderResult {
  const root = resolve(req.workspaceRoot);
  const cache = req.cache ?? new GenerateCache();
  const env = resolveEnvironment(cachedEnvironments(cache, root), req.environment, req.pr);
  const sharing = cachedSharing(cache, root, env);
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
