import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DocumentError, throwCollected, UserError } from '../errors';
import { namespaceRefusal, platformOwnedKeySetBy, resolveEnvironment } from '../environments/environments';
import { overlaySource, overridesFor } from '../environments/overrides';
import { libraryVersionFor, loadServiceConfig, SERVICE_CONFIG_FILE } from '../environments/service-config';
import type { ResolvedEnvironment } from '../environments/environments';
import type { ServiceConfig } from '../environments/service-config';
import { instanceLabel, standardLabels } from '../k8s';
import { withMetadataDefaults } from '../provisioners/library';
import type { Library } from '../provisioners/library';
import { RELEASES_FILE } from '../provisioners/releases';
import { extendedValidator } from '../provisioners/schema';
import { applyImages, instanceSuffix } from '../render-workload';
import { loadScoreFile } from '../score/load-score';
import type { LoadedScore } from '../score/load-score';
import type { ScoreWorkload } from '../score/types';
import { serviceNamespace } from '../sharing';
import type { Sharing } from '../sharing';
import { didYouMean } from '../util/did-you-mean';
import { cachedEnvironments, cachedSharing, GenerateCache, loadLibraryVersion } from './cache';

export interface LoadInput {
  /** Absolute path of the workspace (where environments/, provisioners/ and the releases file live). */
  workspaceRoot: string;
  /** The service folder (holding score.yaml), absolute or relative to the workspace. */
  serviceDir: string;
  /**
   * The Score file's name in the service folder (default `score.yaml`): a folder may hold variants such as
   * `score-ai.yaml`. A plain file name, never a path: the render reads nothing outside the service folder.
   */
  scoreFile?: string;
  environment: string;
  /** Pull request number, for preview environments. */
  pr?: number;
  /** Renders with this library instead of the one the service config selects (`diff --provisioners`). */
  libraryVersion?: string;
  /** Reuses loaded libraries across renders of one process (batch mode). */
  cache?: GenerateCache;
}

/** The files of one render, read and checked: the Score file, the environment, the service config, the library. */
export interface LoadedService {
  root: string;
  serviceDir: string;
  score: LoadedScore;
  env: ResolvedEnvironment;
  config: ServiceConfig | undefined;
  library: Library;
  version: string;
  cache: GenerateCache;
}

/** Load: every input file of the render, each error at the file (and key) that chose the culprit. */
export function loadService(input: LoadInput): LoadedService {
  const root = resolve(input.workspaceRoot);
  const serviceDir = resolve(root, input.serviceDir);
  const displayDir = relative(root, serviceDir).split('\\').join('/');
  const scoreName = input.scoreFile ?? 'score.yaml';
  if (scoreName === '' || /[\\/]/.test(scoreName) || scoreName === '.' || scoreName === '..') {
    throw new UserError(`${JSON.stringify(scoreName)}: a Score file is named by its file name in the service folder, not a path`);
  }
  const scorePath = join(serviceDir, scoreName);
  if (!existsSync(scorePath)) throw new UserError(`${displayDir || '.'}: the folder has no ${scoreName}`);
  const cache = input.cache ?? new GenerateCache();
  const env = resolveEnvironment(cachedEnvironments(cache, root), input.environment, input.pr);
  const config = loadServiceConfig(serviceDir, displayDir);
  if (config) requireEnvironmentEntry(config, env.name);
  const version = input.libraryVersion ?? libraryVersionFor(env, config);
  const library = placeLibraryError(() => loadLibraryVersion(root, version, cache), input.libraryVersion === undefined ? env : undefined, config);
  const scoreDisplay = displayDir ? `${displayDir}/${scoreName}` : scoreName;
  const overrides = overridesFor(config, env.name, env.namespace.fromMetadata);
  // Params are checked against the provisioner that serves each resource in this environment (s3 in dev: s3's).
  const score = loadScoreFile(scorePath, scoreDisplay, extendedValidator(library, env.name), serviceDir, (source) => overlaySource(source, overrides, config, env.name), cache.scoreSource);
  return { root, serviceDir, score, env, config, library, version, cache };
}

/** The workload of a render as every later phase sees it: images applied, metadata merged, names and labels fixed. */
export interface PlacedWorkload {
  workload: ScoreWorkload;
  name: string;
  /** The workload's metadata under the environment's (platform-owned keys come from the environment). */
  metadata: Record<string, unknown>;
  namespace: string;
  instanceSuffix: string;
  instance: string;
  labels: Record<string, string>;
  sharing: Sharing;
  /** Workspace-relative input files so far; the conversion adds the `files.*.source` it reads. */
  inputs: Set<string>;
}

/** Places the loaded workload in its environment: images, platform metadata, namespace and labels. */
export function placeWorkload(loaded: LoadedService): PlacedWorkload {
  const { score, env, config, library, version } = loaded;
  const sharing = cachedSharing(loaded.cache, loaded.root, env);
  const images = config?.environments[env.name]?.images ?? {};
  const workload = applyImagesFromConfig(score, images, config, env.name);
  const name = workload.metadata.name;
  const owned = platformOwnedKeySetBy(env, workload.metadata);
  if (owned !== undefined) {
    const allowed = env.workloadMetadata ? `a Score file may set: ${['name', 'annotations', ...env.workloadMetadata].join(', ')}` : `the environment sets it`;
    throw new DocumentError(['metadata', owned], `'${owned}' is platform-owned metadata in environment '${env.name}' (${env.file}); ${allowed}`);
  }
  // The library's defaults for the keys the Score file leaves out (a plain Score file sets none), then the
  // environment's values last, so that a platform-owned key can never come from the workload.
  const workloadMetadata = withMetadataDefaults(library.metadataDefaults, workload.metadata);
  const metadata = { ...workloadMetadata, ...env.metadata };
  const namespace = serviceNamespace(env, workloadMetadata, name);
  const refusal = namespaceRefusal(env, namespace, metadata['repoSlug']);
  if (refusal !== undefined) throw new DocumentError(['metadata', Object.hasOwn(workload.metadata, env.namespace.fromMetadata) ? env.namespace.fromMetadata : 'name'], refusal);
  const suffix = instanceSuffix(name, env.pr !== undefined ? `${env.name}-pr-${env.pr}` : env.name);
  const instance = instanceLabel(name, suffix);
  const labels = standardLabels(name, instance, library.labels, metadata);
  const inputs = new Set<string>([score.file, `environments/${env.name}.yaml`]);
  if (config) inputs.add(config.file);
  if (version !== 'workspace') inputs.add(RELEASES_FILE);
  return { workload, name, metadata, namespace, instanceSuffix: suffix, instance, labels, sharing, inputs };
}

/** A library version that cannot be loaded is reported where it was chosen: the service config's key, or the environment file. */
function placeLibraryError<T>(load: () => T, env: ResolvedEnvironment | undefined, config: ServiceConfig | undefined): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof UserError) || err instanceof DocumentError || env === undefined) throw err;
    if (config?.environments[env.name]?.provisioners !== undefined) throw config.source.error(['environments', env.name, 'provisioners'], err.message);
    // The environment's `provisioners` key chose a release (the workspace library is the default, not a choice).
    throw new UserError(`${env.file}: ${env.provisioners === 'workspace' ? '' : 'provisioners: '}${err.message}`);
  }
}

function requireEnvironmentEntry(config: ServiceConfig, env: string) {
  const entry = config.environments[env];
  if (!entry) {
    const listed = Object.keys(config.environments);
    throw config.source.error(['environments'], `the service does not deploy to environment '${env}'${didYouMean(env, listed)} (it deploys to: ${listed.join(', ') || 'none'})`);
  }
  return entry;
}

function applyImagesFromConfig(score: LoadedScore, images: Record<string, string>, config: ServiceConfig | undefined, env: string) {
  const containers = Object.keys(score.workload.containers);
  throwCollected(
    Object.keys(images)
      .filter((container) => !Object.hasOwn(score.workload.containers, container))
      .map((container) => config!.source.error(['environments', env, 'images', container], `no container '${container}'${didYouMean(container, containers)} in ${score.file} (containers: ${containers.sort().join(', ')})`)),
  );
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
