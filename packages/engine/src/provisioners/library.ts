import { execFileSync } from 'node:child_process';
import { byCodeUnit } from '../util/compare';
import { describeSchemaError, pointerToPath, primaryError } from '../schema-errors';
import { loadPatches } from './patches';
import type { LibraryPatch } from './patches';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { UserError } from '../errors';
import { sha256Hex } from '../util/hash';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import { gitMissingMessage, isGitMissing, readReleases } from './releases';
import { checkTemplateReferences } from './template-includes';
import { compiledOnFirstUse } from '../util/lazy-validator';

/** Where the library's files come from: the workspace folder as it is, or a release read from git. */
export interface LibrarySource {
  /** `workspace` or a release version such as `1.2.0`. */
  version: string;
  /** Content hash: part of every cache key of renders that use this library. */
  contentHash: string;
  /** Library-relative file paths (posix), sorted. */
  files: readonly string[];
  read(path: string): Buffer;
  /** Human-readable location for messages, e.g. `provisioners/blue-green/provisioner.yaml@1.0.0`. */
  describe(path: string): string;
  /** An on-disk folder for command provisioners (a pinned release is extracted to a temp folder). */
  materialize(): string;
  /** Removes what materialize() extracted. */
  dispose(): void;
}

export const LIBRARY_DIR = 'provisioners';

/**
 * Files of the library folder that are not part of the library: tests, golden files, test helpers and docs.
 * Editing them must not change the library's content hash (and so must not invalidate any render).
 */
const NOT_LIBRARY = /(^|\/)(node_modules|__golden__|__snapshots__|test-support)(\/|$)|\.ts$|\.md$/;

export function isLibraryFile(path: string): boolean {
  return !NOT_LIBRARY.test(path);
}

export interface ProvisionerDefinition {
  /** Folder name inside the library. */
  folder: string;
  type: string;
  class?: string;
  id?: string;
  /** The environments it serves; absent: every environment. */
  environments?: string[];
  description: string;
  ownsWorkload: boolean;
  params: Record<string, unknown>;
  outputs: string[];
  /** Template provisioner: template file names by role. */
  templates?: { outputs?: string; manifests?: string; workload?: string };
  /** Command provisioner: argv; a first element starting with `./` is relative to the provisioner folder. */
  command?: string[];
  /** All template sources of this provisioner folder (`*.njk`), by file name. */
  templateSources: ReadonlyMap<string, string>;
  definitionFile: string;
  source: YamlSource;
}

export interface Library {
  source: LibrarySource;
  provisioners: ProvisionerDefinition[];
  /** JSON Schema properties of the platform's own workload metadata keys (from library.yaml). */
  workloadMetadata: { properties: Record<string, unknown>; required: string[] };
  /** Labels every object gets, from workload metadata keys: label name → metadata key (from library.yaml). */
  labels: Record<string, string>;
  /**
   * The securityContext every workload container gets (library.yaml `containerSecurityContext`): the platform's
   * pod-security rules are the library's decision, so a pinned older release renders what it rendered then.
   */
  containerSecurityContext: Record<string, unknown>;
  /** Which workload metadata keys the platform's tools read (from library.yaml). */
  platformKeys: PlatformKeys;
  /**
   * The value a workload metadata key takes when the Score file leaves it out (library.yaml: the `default` of the
   * key under `workloadMetadata.properties`), so that a plain Score file renders. See {@link withMetadataDefaults}.
   */
  metadataDefaults: Record<string, string>;
  /** The patches over rendered objects (`_patches/*.yaml`, see patches.ts), in the order they apply. */
  patches: LibraryPatch[];
}

/**
 * The workload metadata keys that mean something to the platform's tools (library.yaml `platformKeys`), so that no
 * tool hard-codes them: the Nx plugin tags a project `namespace:<value>` and `system:<value>` and makes the owner of
 * `owner/name` in the repository key the project's owner. A key left out means no such tag or owner.
 */
export interface PlatformKeys {
  namespace?: string;
  system?: string;
  repository?: string;
}

const DEFINITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'description'],
  properties: {
    // Score's resource type / class pattern: case-sensitive, upper-case letters allowed (`Resource-One`).
    type: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' },
    class: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]*$' },
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
    environments: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' } },
    description: { type: 'string', minLength: 1 },
    ownsWorkload: { type: 'boolean' },
    params: { type: 'object' },
    outputs: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    templates: {
      type: 'object',
      additionalProperties: false,
      properties: {
        outputs: { type: 'string' },
        manifests: { type: 'string' },
        workload: { type: 'string' },
      },
    },
    command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
  },
  oneOf: [{ required: ['templates'] }, { required: ['command'] }],
} as const;

const LIBRARY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    description: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    platformKeys: {
      type: 'object',
      additionalProperties: false,
      properties: { namespace: { type: 'string', minLength: 1 }, system: { type: 'string', minLength: 1 }, repository: { type: 'string', minLength: 1 } },
    },
    containerSecurityContext: { type: 'object' },
    workloadMetadata: {
      type: 'object',
      additionalProperties: false,
      properties: { properties: { type: 'object' }, required: { type: 'array', items: { type: 'string' } } },
    },
  },
} as const;

// verbose: the schema of a failed oneOf, to name its alternatives.
const ajv = new Ajv2020({ allErrors: false, strict: false, verbose: true });
const validateDefinition = compiledOnFirstUse(() => ajv.compile(DEFINITION_SCHEMA));
const validateLibraryFile = compiledOnFirstUse(() => ajv.compile(LIBRARY_SCHEMA));

/** The workspace's library folder as it is on disk. */
export function workspaceLibrary(workspaceRoot: string): LibrarySource {
  const root = join(workspaceRoot, LIBRARY_DIR);
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(childRel);
      } else if (entry.isFile() || (entry.isSymbolicLink() && statSync(join(root, childRel)).isFile())) files.push(childRel);
    }
  };
  try {
    walk('');
  } catch (err) {
    throw new UserError(`${LIBRARY_DIR}: cannot read the provisioner library: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const libraryFiles = files.filter(isLibraryFile).sort();
  let hash: string | undefined;
  const read = (p: string) => readFileSync(join(root, p));
  return {
    version: 'workspace',
    get contentHash() {
      hash ??= sha256Hex(libraryFiles.map((f) => `${f}\0${sha256Hex(read(f))}\n`).join(''));
      return hash;
    },
    files: libraryFiles,
    read,
    describe: (p) => posix.join(LIBRARY_DIR, p),
    materialize: () => root,
    dispose: () => undefined,
  };
}

/** A released library version, read from git objects: immutable, offline, identical on every clone. */
export function releasedLibrary(workspaceRoot: string, version: string): LibrarySource {
  const releases = readReleases(workspaceRoot);
  const release = releases.get(version);
  if (!release) {
    const known = [...releases.keys()];
    throw new UserError(`provisioner library version '${version}' does not exist (released: ${known.length > 0 ? known.join(', ') : 'none'}; or use 'workspace')`);
  }
  const git = (args: string[], input?: string) =>
    execFileSync('git', ['-C', workspaceRoot, ...args], { input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  let listing: string;
  try {
    listing = git(['ls-tree', '-r', '-z', release.tree]).toString('utf8');
  } catch (err) {
    // Without git the clone may be complete; blaming its history would send the user the wrong way.
    if (isGitMissing(err)) throw new UserError(gitMissingMessage(`provisioner library version '${version}' is read from git objects, so rendering with it`));
    throw new UserError(`provisioner library version '${version}': git tree ${release.tree} is not in this clone (it needs the full history: fetch-depth 0)`);
  }
  const blobs = new Map<string, string>();
  for (const line of listing.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (m && isLibraryFile(m[2]!)) blobs.set(m[2]!, m[1]!);
  }
  const files = [...blobs.keys()].sort();
  // Every blob of the release at the first read, from one `git cat-file --batch` (a render reads nearly all of
  // them: one git process per file cost about 1 CPU-s for a library of 120 files).
  let contents: Map<string, Buffer> | undefined;
  const read = (p: string) => {
    const id = blobs.get(p);
    if (!id) throw new UserError(`provisioner library ${version}: no file '${p}'`);
    contents ??= readBlobs(git(['cat-file', '--batch'], `${[...new Set(blobs.values())].join('\n')}\n`));
    const content = contents.get(id);
    if (!content) throw new UserError(`provisioner library ${version}: git object ${id} of '${p}' is not in this clone`);
    return content;
  };
  let extracted: string | undefined;
  return {
    version,
    contentHash: release.tree,
    files,
    read,
    describe: (p) => `${posix.join(LIBRARY_DIR, p)}@${version}`,
    materialize: () => (extracted ??= extractTo(version, files, read)),
    dispose: () => {
      if (extracted) rmSync(extracted, { recursive: true, force: true });
      extracted = undefined;
    },
  };
}

/** The objects of a `git cat-file --batch` answer (`<id> <type> <size>\n<content>\n`, or `<id> missing\n`), by id. */
function readBlobs(out: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const [id, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const end = at + Number(size);
    blobs.set(id!, out.subarray(at, end));
    at = end + 1;
  }
  return blobs;
}

function extractTo(version: string, files: readonly string[], read: (p: string) => Buffer): string {
  // Command provisioners need real files; a temp folder keeps the workspace untouched.
  const dir = mkdtempSync(join(tmpdir(), `score-nx-provisioners-${version}-`));
  for (const f of files) {
    const target = join(dir, f);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, read(f));
    chmodSync(target, 0o755);
  }
  return dir;
}

/** Loads and checks every provisioner definition of a library source. */
export function loadLibrary(source: LibrarySource): Library {
  const definitionFiles = source.files.filter((f) => /^[^/]+\/provisioner\.yaml$/.test(f));
  const provisioners = definitionFiles.map((f) => loadDefinition(source, f));
  const patches = loadPatches(source.files, (f) => source.read(f).toString('utf8'), (f) => source.describe(f));
  return { source, provisioners, ...loadLibraryFile(source), patches };
}

/** What graph code reads of a library: its library.yaml's platform keys and metadata defaults. */
export type LibrarySettings = Pick<Library, 'platformKeys' | 'metadataDefaults'>;

/** The platform keys and metadata defaults of a library source's library.yaml, without loading its provisioners (cheap: for graph code). */
export function loadLibrarySettings(source: LibrarySource): LibrarySettings {
  const { platformKeys, metadataDefaults } = loadLibraryFile(source);
  return { platformKeys, metadataDefaults };
}

/** The one placeholder a metadata default may hold: the workload's name (`engineNamespace` defaults to it). */
const NAME_PLACEHOLDER = '${metadata.name}';

/**
 * A workload's metadata with the library's defaults for the keys it leaves out (or sets to ''): a default may hold
 * `${metadata.name}`, replaced by the workload's name. Every tool that reads a platform key reads it through this,
 * so the render, the Nx plugin's tags and the catalog agree on a Score file that sets none of them.
 */
export function withMetadataDefaults(defaults: Readonly<Record<string, string>>, metadata: Record<string, unknown>): Record<string, unknown> {
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const filled = { ...metadata };
  for (const [key, value] of Object.entries(defaults)) {
    if (filled[key] === undefined || filled[key] === '') filled[key] = value.split(NAME_PLACEHOLDER).join(name);
  }
  return filled;
}

function loadLibraryFile(source: LibrarySource): Pick<Library, 'workloadMetadata' | 'labels' | 'platformKeys' | 'containerSecurityContext' | 'metadataDefaults'> {
  if (!source.files.includes('library.yaml')) return { workloadMetadata: { properties: {}, required: [] }, labels: {}, platformKeys: {}, containerSecurityContext: {}, metadataDefaults: {} };
  const lib = parseYamlMapping(source.describe('library.yaml'), source.read('library.yaml').toString('utf8'), 'library file');
  if (!validateLibraryFile(lib.data)) {
    const e = primaryError(validateLibraryFile.errors!);
    throw lib.error(pointerToPath(e.instancePath), describeSchemaError(e));
  }
  const wm = (lib.data['workloadMetadata'] ?? {}) as { properties?: Record<string, unknown>; required?: string[] };
  const metadataDefaults: Record<string, string> = {};
  for (const [key, property] of Object.entries(wm.properties ?? {}).sort(([a], [b]) => byCodeUnit(a, b))) {
    const value = property && typeof property === 'object' ? (property as { default?: unknown }).default : undefined;
    if (value === undefined) continue;
    if (typeof value !== 'string') throw lib.error(['workloadMetadata', 'properties', key, 'default'], `a metadata default must be a string (it may hold ${NAME_PLACEHOLDER})`);
    metadataDefaults[key] = value;
  }
  return {
    metadataDefaults,
    workloadMetadata: { properties: wm.properties ?? {}, required: wm.required ?? [] },
    labels: (lib.data['labels'] ?? {}) as Record<string, string>,
    platformKeys: (lib.data['platformKeys'] ?? {}) as PlatformKeys,
    containerSecurityContext: (lib.data['containerSecurityContext'] ?? {}) as Record<string, unknown>,
  };
}

function loadDefinition(source: LibrarySource, file: string): ProvisionerDefinition {
  const folder = file.split('/')[0]!;
  const display = source.describe(file);
  const doc = parseYamlMapping(display, source.read(file).toString('utf8'), 'provisioner definition');
  if (!validateDefinition(doc.data)) {
    // A failed oneOf lists its branches' errors first ("missing required field 'templates'"): report the choice.
    const e = primaryError(validateDefinition.errors!);
    throw doc.error(pointerToPath(e.instancePath), describeSchemaError(e));
  }
  const data = doc.data as Omit<ProvisionerDefinition, 'folder' | 'templateSources' | 'definitionFile' | 'source' | 'ownsWorkload' | 'params' | 'outputs'> & {
    ownsWorkload?: boolean;
    params?: Record<string, unknown>;
    outputs?: string[];
  };
  const params = data.params ?? { type: 'object', additionalProperties: false, properties: {} };
  try {
    ajv.compile(params);
  } catch (err) {
    throw doc.error(['params'], `is not a valid JSON Schema: ${(err as Error).message}`);
  }
  const templateSources = new Map<string, string>();
  for (const f of source.files) {
    if (f.startsWith(`${folder}/`) && f.endsWith('.njk') && !f.slice(folder.length + 1).includes('/')) {
      templateSources.set(f.slice(folder.length + 1), source.read(f).toString('utf8'));
    }
    // Snippets every provisioner of the library may include (`{% include "_shared/namespace.yaml.njk" %}`).
    if (/^_shared\/[^/]+\.njk$/.test(f)) templateSources.set(f, source.read(f).toString('utf8'));
  }
  checkTemplateReferences(templateSources, (name) => source.describe(name.startsWith('_shared/') ? name : `${folder}/${name}`));
  for (const [role, name] of Object.entries(data.templates ?? {})) {
    if (!templateSources.has(name)) throw doc.error(['templates', role], `template '${name}' does not exist in ${source.describe(folder)}`);
  }
  if (data.command && data.ownsWorkload) {
    throw doc.error(['ownsWorkload'], 'a command provisioner cannot own the workload: the pod template is rendered after commands run');
  }
  return {
    folder,
    type: data.type,
    ...(data.class !== undefined ? { class: data.class } : {}),
    ...(data.id !== undefined ? { id: data.id } : {}),
    ...(data.environments !== undefined ? { environments: data.environments } : {}),
    description: data.description,
    ownsWorkload: data.ownsWorkload ?? false,
    params,
    outputs: data.outputs ?? [],
    ...(data.templates ? { templates: data.templates } : {}),
    ...(data.command ? { command: data.command } : {}),
    templateSources,
    definitionFile: display,
    source: doc,
  };
}

/**
 * The provisioner that serves a resource in an environment. A candidate has the resource's type (case-sensitive, as
 * Score defines it), and its class, id and environments, when set, include the resource's. Most specific first:
 * those that name an id, then those that name a class, then type-only ones; within each of these ranks one that
 * names the environment beats one that serves every environment. Ties in folder-name order, except between two
 * that both name the environment: that is an ambiguity (each claims the environment explicitly), reported as an
 * error. Without an environment (a catalog, which is not per environment) only unrestricted provisioners match.
 */
export function matchProvisioner(library: Library, type: string, klass: string, id: string | undefined, environment?: string): ProvisionerDefinition | undefined {
  const candidates = provisionersInPrecedence(library, type, environment).filter((p) => (p.class === undefined || p.class === klass) && (p.id === undefined || p.id === id));
  const [best, next] = candidates;
  const specificity = matchSpecificity;
  if (best?.environments !== undefined && next !== undefined && specificity(next) === specificity(best)) {
    throw new UserError(
      `provisioners '${best.folder}' and '${next.folder}' both serve type '${type}'${best.class !== undefined ? ` class '${best.class}'` : ''}${best.id !== undefined ? ` id '${best.id}'` : ''} in environment '${environment}': give one of them a class or id, or split their environments`,
    );
  }
  return best;
}

/** Lower is more specific: an id beats a class beats the type alone; naming the environment beats serving all. */
function matchSpecificity(p: ProvisionerDefinition): number {
  return (p.id !== undefined ? 0 : p.class !== undefined ? 2 : 4) + (p.environments !== undefined ? 0 : 1);
}

/**
 * The provisioners of a type that serve an environment (without one: those serving every environment), most
 * specific first: the order in which {@link matchProvisioner} tries them, and the params schema checks them.
 */
export function provisionersInPrecedence(library: Library, type: string, environment: string | undefined): ProvisionerDefinition[] {
  return library.provisioners
    .filter((p) => p.type === type)
    .filter((p) => p.environments === undefined || (environment !== undefined && p.environments.includes(environment)))
    .sort((a, b) => matchSpecificity(a) - matchSpecificity(b) || byCodeUnit(a.folder, b.folder));
}
