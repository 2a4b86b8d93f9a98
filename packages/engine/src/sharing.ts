import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { objectKey } from './k8s';
import type { K8sObject } from './k8s';
import { UserError } from './errors';
import { byCodeUnit } from './util/compare';
import { sortKeys } from './output/canonical-yaml';
import type { EnvironmentDefinition } from './environments/environments';
import { loadServiceConfig, parseServiceConfig, readServiceConfigText, SERVICE_CONFIG_FILE } from './environments/service-config';
import type { LibraryPins } from './environments/service-config';
import { ScanMemo } from './scan-memo';
import type { ScanMemoOptions } from './scan-memo';
import { parseYamlMapping } from './util/yaml-source';
import { dnsLabel } from './provisioners/names';
import { resourceUid } from './provisioners/runtime';
import type { ScoreResource } from './score/types';

/**
 * One owner per object. Objects that belong to more than one service of an environment — the Namespace of a
 * namespace several services deploy into, and the objects of a resource whose `id` several services declare —
 * are left out of each service's render and rendered once into a platform-owned output (`score-nx shared`), so
 * that no two Argo CD Applications track the same object and deleting one service cannot take what another needs.
 */

/** The folder name of the platform-owned output beside the services' (`<outputRoot>/<env>/_shared`). */
export const SHARED_OUTPUT = '_shared';

const SKIP = new Set(['node_modules', 'dist', '.git', '.nx', 'tmp', '__fixtures__']);

export interface ServiceFolder {
  /** metadata.name, or the folder when the Score file has none. */
  name: string;
  /** Workspace-relative folder, posix. */
  path: string;
}

/** Workspace-relative folders (posix, sorted) holding a score.yaml: not node_modules, dist, fixtures, dot folders. */
function scoreFolders(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name === 'score.yaml') found.push(relative(root, dir).split('\\').join('/'));
    }
  };
  walk(root);
  return found.sort(byCodeUnit);
}

type ParsedScore = { metadata?: Record<string, unknown>; resources?: Record<string, ScoreResource> } | null;

/** The parsed score.yaml of a folder, or undefined when it cannot be read or parsed. */
function readScore(root: string, path: string): ParsedScore | undefined {
  const text = readScoreText(root, path);
  return text === undefined ? undefined : parseScoreText(text);
}

function readScoreText(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path, 'score.yaml'), 'utf8');
  } catch {
    return undefined;
  }
}

function parseScoreText(text: string): ParsedScore | undefined {
  try {
    return parse(text) as ParsedScore;
  } catch {
    return undefined;
  }
}

/**
 * The data of a Score file, parsed with the render's parser (parseYamlMapping: one YAML mapping, duplicate keys
 * and several documents refused; the render alone also refuses numbers it would rewrite, such as 3.10, since only
 * it writes them back), through the memo by its bytes. A file that does not read throws the positioned UserError, and is
 * not memoised, so its message is made again each time. The workspace scan and the Nx plugin's createNodes both
 * read Score files through this, so that one's memo serves the other.
 */
export function readScoreData(file: string, text: string, parses: ScanMemo = new ScanMemo()): Record<string, unknown> {
  const parse = () => parseYamlMapping(file, text, 'Score file').data;
  const data = parses.get('score-file', text, parse);
  // A value of another shape (a damaged memo) is parsed again instead of failing the scan or the graph.
  return isPlainObject(data) ? data : parse();
}

/** Every folder with a score.yaml under the workspace (not node_modules, dist, fixtures, dot folders), by path. */
export function findServiceFolders(root: string): ServiceFolder[] {
  return scoreFolders(root).map((path) => {
    const name = readScore(root, path)?.metadata?.['name'];
    return { name: typeof name === 'string' ? name : path, path };
  });
}

/** What sharing needs of one readable service: read once, used for every environment. */
export interface ScannedService {
  name: string;
  /** Workspace-relative folder, posix. */
  path: string;
  metadata: Record<string, unknown>;
  resources: Record<string, ScoreResource>;
  /** Its service-config.yaml as far as sharing and library versions need it: where it deploys, which library it pins. */
  config: LibraryPins | undefined;
}

/**
 * One read of every service of the workspace (score.yaml parsed once, service-config.yaml loaded once), by path.
 * A service that cannot be read (unparsable, no metadata.name, broken service config) is left out: its own render
 * reports the problem. Environment-independent, so one scan serves the sharing of every environment.
 * `memo`: keep the parses in a file for the next scan, in this process or another (see ScanMemoOptions).
 */
export function scanServices(root: string, memo?: ScanMemoOptions): ScannedService[] {
  const parses = new ScanMemo(memo);
  const services: ScannedService[] = [];
  for (const path of scoreFolders(root)) {
    const text = readScoreText(root, path);
    if (text === undefined) continue;
    let score: ParsedScore;
    try {
      score = readScoreData(path ? `${path}/score.yaml` : 'score.yaml', text, parses) as ParsedScore;
    } catch {
      continue;
    }
    const name = score?.metadata?.['name'];
    if (typeof name !== 'string' || name === '') continue;
    const config = scannedConfig(root, path, parses);
    if (config === UNREADABLE) continue;
    services.push({ name, path, metadata: score!.metadata!, resources: score!.resources ?? {}, config });
  }
  parses.save();
  return services;
}

/** A service config that does not load: memoised too, so that a broken file is not parsed again each time. */
const UNREADABLE = 'unreadable';

/** The library pins of a folder's service-config.yaml (undefined: none), or UNREADABLE when it does not load. */
function scannedConfig(root: string, path: string, parses: ScanMemo): LibraryPins | undefined | typeof UNREADABLE {
  try {
    return readLibraryPins(root, path, parses);
  } catch {
    return UNREADABLE;
  }
}

/**
 * What a folder's service-config.yaml pins (undefined: there is none), through the memo when it is a regular file;
 * a config that does not load throws the loader's positioned error (UserError), as loadServiceConfig does.
 * `path`: the folder, workspace-relative and posix ('' for the workspace root).
 */
export function readLibraryPins(root: string, path: string, parses: ScanMemo = new ScanMemo()): LibraryPins | undefined {
  const dir = join(root, path);
  const abs = join(dir, SERVICE_CONFIG_FILE);
  const stat = lstatSync(abs, { throwIfNoEntry: false });
  if (!stat) return undefined;
  // Only a regular file's reading depends on its bytes alone: a symlink (which may lead out of the folder) or
  // anything else goes through the loader every time.
  if (!stat.isFile()) return loadServiceConfig(dir, path);
  const file = path ? `${path}/${SERVICE_CONFIG_FILE}` : SERVICE_CONFIG_FILE;
  // One read, with the loader's checks: the memo key and the parse come from the same text, even while the file
  // is being rewritten.
  const text = readServiceConfigText(abs, file, dir);
  const parse = (): LibraryPins['environments'] | typeof UNREADABLE => {
    try {
      return pinsOf(parseServiceConfig(file, text));
    } catch {
      // Memoised too, so that a broken file is not parsed again by every scan; the message is made again below.
      return UNREADABLE;
    }
  };
  let pins = parses.get('service-config', text, parse);
  // A value of another shape (a damaged memo) is parsed again.
  if (pins !== UNREADABLE && !isPins(pins)) pins = parse();
  // The loader's own error, with its position.
  if (pins === UNREADABLE) return parseServiceConfig(file, text);
  let source: LibraryPins['source'] | undefined;
  return {
    file,
    environments: pins,
    // Positions are needed only for an error message (an invalid pinned version): parsed again then.
    get source() {
      source ??= parseYamlMapping(file, text, 'service config', { exactNumbers: true });
      return source;
    },
  };
}

function pinsOf(config: { environments: Record<string, { provisioners?: string } | null | undefined> }): LibraryPins['environments'] {
  return Object.fromEntries(Object.entries(config.environments).map(([env, e]) => [env, e && e.provisioners !== undefined ? { provisioners: e.provisioners } : {}]));
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isPins(value: unknown): value is LibraryPins['environments'] {
  return isPlainObject(value) && Object.values(value).every((e) => isPlainObject(e) && (e['provisioners'] === undefined || typeof e['provisioners'] === 'string'));
}

export interface Sharing {
  /** Namespace → the services (by name, sorted) of the environment that deploy into it, for namespaces with two or more. */
  namespaces: Map<string, string[]>;
  /** Resource uid (`type.class#id`) → the services declaring it, for uids declared by two or more services. */
  uids: Map<string, string[]>;
  /** Service name → its folder, for the services of the environment. */
  folders: Map<string, string>;
  /** Service name → its namespace and the uids of its resources that have an id. */
  facts: Map<string, { namespace: string; uids: string[] }>;
}

/**
 * What is shared in one environment, from the Score files and service configs alone (no render). A service that
 * cannot be read is left out here; its own render reports the problem. `services`: a scan made earlier
 * (scanServices), to read the workspace once for several environments.
 */
export function workspaceSharing(root: string, env: EnvironmentDefinition, services: readonly ScannedService[] = scanServices(root)): Sharing {
  const namespaces = new Map<string, Set<string>>();
  const uids = new Map<string, Set<string>>();
  const folders = new Map<string, string>();
  const facts = new Map<string, { namespace: string; uids: string[] }>();
  const add = (map: Map<string, Set<string>>, key: string, service: string) => map.set(key, (map.get(key) ?? new Set()).add(service));
  for (const { name, path, metadata, resources, config } of services) {
    const deploys = config ? env.name in config.environments : !env.preview;
    if (!deploys) continue;
    folders.set(name, path);
    const namespace = serviceNamespace(env, metadata, name);
    add(namespaces, namespace, name);
    const ids: string[] = [];
    for (const [resName, decl] of Object.entries(resources)) {
      if (decl && typeof decl === 'object' && typeof decl.type === 'string' && decl.id !== undefined) ids.push(resourceUid(name, resName, decl));
    }
    for (const uid of ids) add(uids, uid, name);
    facts.set(name, { namespace, uids: ids.sort() });
  }
  const shared = (map: Map<string, Set<string>>) => new Map([...map].filter(([, s]) => s.size > 1).map(([k, s]) => [k, [...s].sort()]));
  return { namespaces: shared(namespaces), uids: shared(uids), folders, facts };
}

/** The namespace a service renders into: its metadata key the environment names (else its name), plus the suffix. */
export function serviceNamespace(env: EnvironmentDefinition, workloadMetadata: Record<string, unknown>, name: string): string {
  // The environment's values last, as in the render: a platform-owned key never comes from the workload.
  const metadata = { ...workloadMetadata, ...env.metadata };
  const source = metadata[env.namespace.fromMetadata];
  return dnsLabel([`${typeof source === 'string' && source !== '' ? source : name}${env.namespace.suffix}`]);
}

/**
 * What of the sharing of an environment a service's render depends on, for cache keys: whether its namespace is
 * shared and which of its resource ids are. Its render changes when this changes, and only then, so another
 * service joining or leaving a namespace invalidates exactly the renders it moves objects out of or back into.
 */
export function sharingFingerprint(sharing: Sharing, service: string): string {
  const facts = sharing.facts.get(service);
  if (!facts) return 'none';
  const ns = sharing.namespaces.has(facts.namespace) ? `shared-ns:${facts.namespace}` : 'own-ns';
  return [ns, ...facts.uids.filter((u) => sharing.uids.has(u)).map((u) => `shared-uid:${u}`)].join(';');
}

export interface SharedCopy {
  object: K8sObject;
  service: string;
  file: string;
}

/**
 * The one copy of each shared object. Copies from different services must agree, except for labels the library
 * derives from workload metadata (`labelKeys`: who the object serves, such as a subsystem), which describe a
 * service rather than the shared object and are dropped where the copies disagree. Any other difference is an
 * error naming both services and files.
 */
export function mergeSharedCopies(copies: readonly SharedCopy[], labelKeys: ReadonlySet<string>): K8sObject[] {
  const byKey = new Map<string, SharedCopy[]>();
  for (const c of copies) byKey.set(objectKey(c.object), [...(byKey.get(objectKey(c.object)) ?? []), c]);
  const merged: K8sObject[] = [];
  for (const group of byKey.values()) {
    const [first, ...rest] = group;
    const labels = { ...(first!.object.metadata.labels ?? {}) };
    for (const key of Object.keys(labels)) {
      if (labelKeys.has(key) && rest.some((c) => c.object.metadata.labels?.[key] !== labels[key])) delete labels[key];
    }
    const normalize = (o: K8sObject) => sortKeys({ ...o, metadata: { ...o.metadata, labels: Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => k in labels || !labelKeys.has(k))) } });
    const chosen = normalize({ ...first!.object, metadata: { ...first!.object.metadata, labels } });
    for (const c of rest) {
      if (!isDeepStrictEqual(normalize(c.object), chosen)) {
        const ns = c.object.metadata.namespace ? `${c.object.metadata.namespace}/` : '';
        throw new UserError(
          `shared ${c.object.kind} '${ns}${c.object.metadata.name}' differs between ${first!.service} (${first!.file}) and ${c.service} (${c.file}): a shared object must be rendered the same by every service that shares it`,
        );
      }
    }
    merged.push(chosen as K8sObject);
  }
  return merged;
}

/** Reads a rendered output folder (`<root>/<env>/<project>/manifests.yaml`), for the workspace check. */
export function renderedOutputs(outputRoot: string): Array<{ env: string; owner: string; file: string; content: string }> {
  if (!existsSync(outputRoot)) return [];
  const found: Array<{ env: string; owner: string; file: string; content: string }> = [];
  for (const env of readdirSync(outputRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const owner of readdirSync(join(outputRoot, env), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
      const file = join(outputRoot, env, owner, 'manifests.yaml');
      if (existsSync(file)) found.push({ env, owner, file, content: readFileSync(file, 'utf8') });
    }
  }
  return found;
}
