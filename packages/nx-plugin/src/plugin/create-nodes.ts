import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { isUserError, parseYamlMapping, readLibraryPins, readScoreData, ScanMemo, withMetadataDefaults } from '@score-nx/engine';
import type { LibraryPins, PlatformKeys, ScanMemoOptions } from '@score-nx/engine';
import { ALL_ENVIRONMENTS } from '../paths';
import { scanMemo, WorkspaceState } from '../workspace-state';
import { globToRegExp, normalizeOptions } from './options';
import type { NormalizedOptions, ScorePluginOptions } from './options';

/**
 * What Nx hands createNodes: every YAML file. Nx wants the glob before it reads the plugin's options, so the
 * configurable one (option `scoreFiles`, default `**\/score.yaml`) is applied to these files here.
 */
export const SCORE_GLOB = '**/*.{yaml,yml}';
export const EXECUTOR_PACKAGE = '@score-nx/nx-plugin';
export const SERVICE_TAG = 'type:score-service';

type InputDefinition = NonNullable<TargetConfiguration['inputs']>[number];

/** What createNodes learns from one service folder. */
interface ServiceInfo {
  file: string;
  root: string;
  name: string;
  metadata: Record<string, unknown>;
  /** What its service-config.yaml pins (undefined: it has none, and deploys everywhere). */
  config: LibraryPins | undefined;
  /** The user error that makes this service unrenderable: every target fails with it. */
  problem?: string;
}

/** The Nx plugin's createNodes (v2 shape): one project per folder holding a Score file (option `scoreFiles`). */
export const createNodesV2: CreateNodesV2<ScorePluginOptions> = [
  SCORE_GLOB,
  (files, rawOptions, context) => createScoreNodes(files, rawOptions, context),
];

export function createScoreNodes(
  files: readonly string[],
  rawOptions: ScorePluginOptions | undefined,
  context: CreateNodesContextV2,
): Array<readonly [string, CreateNodesResult]> {
  const options = normalizeOptions(rawOptions);
  const excluded = options.exclude.map(globToRegExp);
  const scoreFiles = globToRegExp(options.scoreFiles);
  const candidates = files
    .map((f) => f.split('\\').join('/'))
    .filter((f) => scoreFiles.test(f) && !f.split('/').includes('node_modules') && !f.startsWith(`${options.outputRoot}/`) && !excluded.some((re) => re.test(f)));
  if (candidates.length === 0) return [];

  const state = new WorkspaceState(context.workspaceRoot);
  // Without the daemon every nx command runs createNodes anew: the parses of unchanged files come from the memo.
  const memo = new ScanMemo(nodesMemo(context.workspaceRoot));
  parsed = new Map();
  const errors: Array<[file: string, error: Error]> = [];
  const services: ServiceInfo[] = [];
  // One project per folder: a second Score file of a folder the glob takes is an error naming both.
  const byRoot = new Map<string, string>();
  for (const file of candidates) {
    const root = dirname(file) === '.' ? '.' : dirname(file);
    const first = byRoot.get(root);
    if (first !== undefined) {
      errors.push([file, new Error(`${root} holds two Score files the plugin option scoreFiles (${options.scoreFiles}) takes: ${first} and ${file}; a folder is one service (narrow scoreFiles or add one to exclude)`)]);
      continue;
    }
    byRoot.set(root, file);
    services.push(readService(context.workspaceRoot, file, memo));
  }
  memo.save();

  // Two services with one name: an error naming both files (Nx's own message would only name the folders).
  const byName = new Map<string, ServiceInfo>();
  const unique: ServiceInfo[] = [];
  for (const s of services) {
    const first = byName.get(s.name);
    if (first) {
      errors.push([s.file, new Error(`two services are named '${s.name}' (metadata.name): ${first.file} and ${s.file}; rename one of them`)]);
      continue;
    }
    byName.set(s.name, s);
    unique.push(s);
  }

  const results: Array<readonly [string, CreateNodesResult]> = [];
  if (unique.length > 0) {
    let shared: SharedInfo;
    try {
      shared = sharedInfo(state, options);
    } catch (err) {
      // A broken environment definition concerns every service: report it once per file so Nx names them.
      throw new AggregateCreateNodesError(unique.map((s) => [s.file, err as Error]), []);
    }
    for (const s of unique) {
      try {
        results.push([s.file, { projects: { [s.root]: buildProject(s, shared, state, options) } }]);
      } catch (err) {
        errors.push([s.file, err as Error]);
      }
    }
  }
  if (errors.length > 0) throw new AggregateCreateNodesError(errors, results);
  return results;
}

/** Where createNodes keeps its parses, or nowhere: the memo is only a speed-up, so it never takes the graph down. */
function nodesMemo(workspaceRoot: string): ScanMemoOptions | undefined {
  try {
    return scanMemo(workspaceRoot, 'nodes');
  } catch {
    return undefined;
  }
}

/**
 * Reads what the graph needs of one service. A mistake in the service's own files never throws: the project is
 * still created (named after metadata.name when that can be read, else after its folder) and its targets fail
 * with the same positioned message the CLI prints, so that one broken service never takes down the graph.
 */
function readService(workspaceRoot: string, file: string, memo: ScanMemo): ServiceInfo {
  const root = dirname(file) === '.' ? '.' : dirname(file);
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, file), 'utf8');
  } catch (err) {
    return broken(file, root, undefined, `${file}: cannot read the Score file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let metadata: Record<string, unknown>;
  try {
    // The render's parser, through the memo (only a file that reads is memoised).
    const data = readScoreData(file, text, memo);
    const m = data['metadata'];
    const name = m && typeof m === 'object' ? (m as Record<string, unknown>)['name'] : undefined;
    // Positions are not memoised: the file is parsed again for this message.
    if (typeof name !== 'string' || name === '') throw parseYamlMapping(file, text, 'Score file').error(['metadata', 'name'], 'a service needs metadata.name: it is the Nx project name');
    rememberParsed(join(workspaceRoot, file), text, data);
    metadata = m as Record<string, unknown>;
  } catch (err) {
    if (!isUserError(err)) throw err;
    return broken(file, root, readableName(text), err.message);
  }
  const name = metadata['name'] as string;
  try {
    return { file, root, name, metadata, config: readLibraryPins(workspaceRoot, root === '.' ? '' : root, memo) };
  } catch (err) {
    if (!isUserError(err)) throw err;
    return broken(file, root, name, err.message, metadata);
  }
}

/**
 * The Score files createNodes parsed, by absolute path, with the text they were parsed from: createDependencies
 * runs right after it in the same process (the plugin worker, or the daemon) and reads the same files, so a file
 * whose text is unchanged is not parsed a second time. Replaced on every createNodes call.
 */
let parsed = new Map<string, { text: string; data: Record<string, unknown> }>();

function rememberParsed(abs: string, text: string, data: Record<string, unknown>): void {
  parsed.set(abs, { text, data });
}

/** What createNodes parsed of a Score file, when its text is still `text`. */
export function parsedScoreFile(abs: string, text: string): Record<string, unknown> | undefined {
  const hit = parsed.get(abs);
  return hit && hit.text === text ? hit.data : undefined;
}

function broken(file: string, root: string, name: string | undefined, problem: string, metadata: Record<string, unknown> = {}): ServiceInfo {
  return { file, root, name: name ?? (root === '.' ? 'root' : basename(root)), metadata, config: undefined, problem };
}

/** metadata.name of a Score file that does not parse, when the document still yields it. */
function readableName(text: string): string | undefined {
  try {
    const value = (parseDocument(text, { uniqueKeys: false }).toJS({ maxAliasCount: 100 }) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof value === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

interface SharedInfo {
  /** Non-preview environments (configurations of generate and validate), sorted. */
  regular: string[];
  preview: string[];
  kubernetesVersions: Record<string, string>;
  /** The workload metadata keys the library declares for tags and owners. */
  platformKeys: PlatformKeys;
  /** The library's defaults of those keys, for a Score file that leaves them out. */
  metadataDefaults: Record<string, string>;
}

function sharedInfo(state: WorkspaceState, options: NormalizedOptions): SharedInfo {
  const envs = state.environments();
  if (options.environments) {
    const unknown = options.environments.filter((e) => !envs.has(e));
    if (unknown.length > 0) {
      throw new Error(`@score-nx/nx-plugin: the option 'environments' names ${unknown.join(', ')}, which environments/ does not define (defined: ${[...envs.keys()].join(', ') || 'none'})`);
    }
  }
  const selected = [...envs.values()].filter((e) => !options.environments || options.environments.includes(e.name));
  return {
    regular: selected.filter((e) => !e.preview).map((e) => e.name),
    preview: selected.filter((e) => e.preview).map((e) => e.name),
    kubernetesVersions: Object.fromEntries(selected.map((e) => [e.name, e.kubernetesVersion])),
    platformKeys: state.platformKeys(),
    metadataDefaults: state.metadataDefaults(),
  };
}

/** What every target builder of one service needs. */
interface TargetContext {
  name: string;
  shared: SharedInfo;
  options: NormalizedOptions;
  /** Whether the service deploys to an environment (no service-config.yaml: everywhere). */
  deploys: (env: string) => boolean;
  /** Regular and preview environments the service deploys to. */
  deployed: string[];
  previews: string[];
  /** The service's own files: what a render reads inside its folder. */
  renderInputs: InputDefinition[];
  /** A service that cannot be read: every target fails with this message. */
  failure: { serviceError?: string };
  /** The Score file's name when it is not score.yaml: the renders read that file. */
  scoreFile: { scoreFile?: string };
}

const TECHNOLOGIES = ['score'];

function buildProject(s: ServiceInfo, shared: SharedInfo, state: WorkspaceState, options: NormalizedOptions): ProjectConfiguration {
  const deploys = (env: string) => !s.config || env in s.config.environments;
  const ctx: TargetContext = {
    name: s.name,
    shared,
    options,
    deploys,
    deployed: shared.regular.filter(deploys),
    previews: shared.preview.filter(deploys),
    renderInputs: ['{projectRoot}/**/*', { externalDependencies: [] }],
    failure: s.problem !== undefined ? { serviceError: s.problem } : {},
    scoreFile: basename(s.file) !== 'score.yaml' ? { scoreFile: basename(s.file) } : {},
  };
  const targets: Record<string, TargetConfiguration> = {};
  targets[options.generateTargetName] = generateTarget(ctx);
  targets[options.validateTargetName] = validateTarget(ctx);
  if (ctx.previews.length > 0) targets[options.previewTargetName] = previewTarget(ctx);
  targets[options.inputsTargetName] = inputsTarget(ctx, state, s.config);

  const keys = shared.platformKeys;
  const metadata = withMetadataDefaults(shared.metadataDefaults, s.metadata);
  const metadataValue = (key: string | undefined) => {
    const v = key === undefined ? undefined : metadata[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const namespace = metadataValue(keys.namespace);
  const system = metadataValue(keys.system);
  const repository = metadataValue(keys.repository);
  const tags = [SERVICE_TAG, ...(namespace !== undefined ? [`namespace:${namespace}`] : []), ...(system !== undefined ? [`system:${system}`] : [])];
  const owner = repository?.includes('/') ? repository.split('/')[0] : undefined;
  const annotations = s.metadata['annotations'];
  const described = annotations && typeof annotations === 'object' ? (annotations as Record<string, unknown>)['description'] : undefined;

  return {
    root: s.root,
    name: s.name,
    projectType: 'application',
    tags,
    metadata: {
      description: typeof described === 'string' ? described : `Score service ${s.name}${system !== undefined ? ` (system ${system})` : ''}`,
      technologies: TECHNOLOGIES,
      ...(repository !== undefined ? { repoSlug: repository } : {}),
      ...(owner ? { owners: { [owner]: { ownedFiles: [{ files: ['*'] as ['*'] }] } } } : {}),
      targetGroups: { Score: Object.keys(targets) },
    },
    targets,
  };
}

const outputDirs = (name: string, envs: readonly string[]) => Object.fromEntries(envs.map((e) => [e, `${e}/${name}`]));

/** Renders the service's manifests: all its environments, or one per configuration. */
function generateTarget({ name, shared, options, deploys, deployed, renderInputs, failure, scoreFile }: TargetContext): TargetConfiguration {
  return {
    executor: `${EXECUTOR_PACKAGE}:generate`,
    cache: true,
    inputs: renderInputs,
    // One literal folder per environment, never a glob: Nx expands a glob output by scanning the output tree for
    // every task, which made cold runs superlinear in the number of services. An output whose option is not set in
    // the task's configuration is dropped by Nx, so `:prod` caches and restores only the prod folder.
    outputs: shared.regular.map((e) => `{workspaceRoot}/${options.outputRoot}/{options.outputDirs.${e}}`),
    options: {
      environment: ALL_ENVIRONMENTS,
      environments: deployed,
      outputRoot: options.outputRoot,
      outputDirs: outputDirs(name, deployed),
      ...scoreFile,
      ...failure,
    },
    configurations: Object.fromEntries(shared.regular.map((e) => [e, { environment: e, environments: deploys(e) ? [e] : [], outputDirs: outputDirs(name, deploys(e) ? [e] : []) }])),
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Render ${name} to ${options.outputRoot}/<env>/${name}/manifests.yaml: every environment it deploys to (${deployed.join(', ') || 'none'}), or one with :<env>`,
      help: {
        command: `npx nx run ${name}:${options.generateTargetName} --help`,
        example: { args: [`--configuration=${deployed[0] ?? shared.regular[0] ?? 'dev'}`] },
      },
    },
  };
}

/** Validates the rendered manifests of each environment against its Kubernetes version. */
function validateTarget({ name, shared, options, deploys, deployed, failure }: TargetContext): TargetConfiguration {
  const versions = pick(shared.kubernetesVersions, deployed);
  return {
    executor: `${EXECUTOR_PACKAGE}:validate`,
    cache: true,
    // The object form, not the string: Nx expands a string dependsOn by looking the project up among every project's
    // names for every task (Object.keys of the whole graph per task: quadratic in the number of services).
    dependsOn: [{ target: options.generateTargetName }],
    // The renders are not inputs here: the validate hasher hashes the generate task's hash instead of its files
    // (Nx would expand and read every render again for every validate task).
    inputs: [...schemaInputs(options.schemaLocations, deployed.map((e) => versions[e]).filter((v) => v !== undefined)), { externalDependencies: [] }],
    outputs: [],
    options: {
      environment: ALL_ENVIRONMENTS,
      environments: deployed,
      outputRoot: options.outputRoot,
      kubernetesVersions: versions,
      schemaLocations: options.schemaLocations,
      strict: options.strict,
      ...failure,
    },
    configurations: Object.fromEntries(
      shared.regular.map((e) => [e, { environment: e, environments: deploys(e) ? [e] : [], kubernetesVersions: deploys(e) ? pick(shared.kubernetesVersions, [e]) : {} }]),
    ),
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Validate ${name}'s rendered manifests against each environment's Kubernetes version (kubeconform)`,
      help: { command: `npx nx run ${name}:${options.validateTargetName} --help`, example: { args: [`--configuration=${deployed[0] ?? 'dev'}`] } },
    },
  };
}

/** Renders the service for a pull request's preview environment (only built when the service has one). */
function previewTarget({ name, options, previews, renderInputs, failure, scoreFile }: TargetContext): TargetConfiguration {
  return {
    executor: `${EXECUTOR_PACKAGE}:generate`,
    cache: true,
    inputs: renderInputs,
    outputs: [`{workspaceRoot}/${options.outputRoot}/{options.environment}/pr-{options.pr}/${name}`],
    options: {
      environment: previews[0],
      environments: previews,
      outputRoot: options.outputRoot,
      preview: true,
      ...scoreFile,
      ...failure,
    },
    ...(previews.length > 1 ? { configurations: Object.fromEntries(previews.map((e) => [e, { environment: e }])) } : {}),
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Render ${name} for a pull request's preview environment (${previews.join(', ')}): --pr=<number>, cached per PR`,
      help: { command: `npx nx run ${name}:${options.previewTargetName} --help`, example: { options: { pr: 42 } } },
    },
  };
}

/** A no-op whose inputs are the workspace files the service's renders read outside its folder, for nx affected. */
function inputsTarget({ name, options, deployed, previews }: TargetContext, state: WorkspaceState, config: LibraryPins | undefined): TargetConfiguration {
  const used = [...deployed, ...previews];
  const environments = state.environments();
  const definitions = used.map((e) => environments.get(e)).filter((e) => e !== undefined);
  const versions = new Set(definitions.map((e) => state.libraryVersion(e, config)));
  return {
    executor: 'nx:noop',
    cache: false,
    inputs: [
      ...definitions.map((e) => `{workspaceRoot}/${e.file}`),
      ...(versions.has('workspace') ? ['{workspaceRoot}/provisioners/**/*'] : []),
      ...([...versions].some((v) => v !== 'workspace') ? ['{workspaceRoot}/provisioner-releases.yaml'] : []),
      ...options.extraInputs,
    ],
    metadata: {
      technologies: TECHNOLOGIES,
      description: `Does nothing: its inputs name the workspace files ${name}'s renders read outside its folder, so that nx affected marks ${name} when they change (the generate hasher hashes them per environment)`,
      help: { command: `npx nx run ${name}:${options.inputsTargetName} --help`, example: { args: [] } },
    },
  };
}

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  const picked: Record<string, T> = {};
  for (const k of keys) {
    const value = record[k];
    if (value !== undefined) picked[k] = value;
  }
  return picked;
}

/**
 * The schema files a validate task reads, as inputs: a location in the workspace becomes the file it names for each
 * Kubernetes version (or its folder, while a template field is left), so that pulling schemas invalidates exactly the
 * validations that read them. Remote locations and folders outside the workspace are not inputs (kubeconform's -cache
 * has the same blind spot); pin them by URL.
 */
export function schemaInputs(locations: readonly string[], kubernetesVersions: readonly string[]): InputDefinition[] {
  const inputs = new Set<string>();
  for (const location of locations) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) || location.startsWith('/') || location.split('/').includes('..')) continue;
    for (const version of new Set(kubernetesVersions)) {
      const rendered = location.replace(/\{\{-?\s*\.NormalizedKubernetesVersion\s*-?\}\}/g, `v${version}`).replace(/^\.\//, '');
      const open = rendered.indexOf('{{');
      if (open < 0) inputs.add(`{workspaceRoot}/${rendered}`);
      else inputs.add(`{workspaceRoot}/${rendered.slice(0, rendered.lastIndexOf('/', open) + 1)}**/*`);
    }
  }
  return [...inputs].sort();
}
