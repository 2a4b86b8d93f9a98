/**
 * A workspace's own schema folder: pulling exactly the schemas a set of API types needs from upstream sources (the
 * kubeconform `_definitions.json` registry layout and the CRDs catalog layout), pruning the Kubernetes definitions
 * to what those types reach, and checking a committed folder against the types offline.
 *
 *   <dir>/kubernetes/v<version>/_definitions.json   pruned definitions (sorted keys)
 *   <dir>/crds/<group>/<kind>_<version>.json        byte copies of the catalog's files
 *   <dir>/lock.yaml                                  where each file came from, upstream sha256, licence
 *   <dir>/NOTICE                                     the upstream licences
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parse as parseYaml } from 'yaml';
import { sha256 } from './cache';
import { StandaloneDeriver } from './derive-standalone';
import { fetchWithRetry, parseTemplate, renderTemplate, templateVars } from './locations';
import type { TemplateVars } from './locations';
import { CRD_LAYOUT, K8S_LAYOUT } from './workspace-layout';

export const LOCK_FILE = 'lock.yaml';
export const NOTICE_FILE = 'NOTICE';

export interface SchemaSource {
  /** A location template (`{{ .NormalizedKubernetesVersion }}`, `{{ .Group }}`...), an URL or a folder in the layout. */
  location: string;
  /** SPDX identifier of the upstream licence, written to the lock and NOTICE. */
  licence: string;
  /** What the upstream calls this revision (a catalog commit), recorded in the lock. */
  revision?: string;
}

export interface SchemaSources {
  kubernetes: SchemaSource;
  crds: SchemaSource;
}

/** The public upstreams: Kubernetes definitions in kubeconform's registry layout (cdk8s), and the CRDs catalog. */
export const DEFAULT_SCHEMA_SOURCES: SchemaSources = {
  kubernetes: {
    location: `https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/${K8S_LAYOUT}`,
    licence: 'Apache-2.0',
  },
  crds: {
    location: `https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/${CRD_LAYOUT}`,
    licence: 'MIT',
  },
};

export interface ApiType {
  apiVersion: string;
  kind: string;
  /** Who emits it (for messages). */
  sources?: readonly string[];
}

export interface PullOptions {
  types: readonly ApiType[];
  kubernetesVersions: readonly string[];
  sources: SchemaSources;
  /** Read from here instead of the configured location: a folder in the same layout (a mirror), a template or an URL. */
  from?: { kubernetes?: string; crds?: string };
  /** Resolves relative folders. */
  cwd: string;
}

export class SchemaPullError extends Error {
  override readonly name = 'SchemaPullError';
}

interface Reader {
  /** What the lock records: the upstream URL (a mirror is named as such, never by its local path). */
  describe(vars: TemplateVars): string;
  mirror: boolean;
  read(vars: TemplateVars): Promise<Buffer | undefined>;
}

function makeReader(configured: SchemaSource, override: string | undefined, layout: string, cwd: string): Reader {
  const upstream = parseTemplate(withLayout(configured.location, layout));
  const where = override ?? configured.location;
  const isUrl = /^https?:\/\//.test(where);
  const pieces = parseTemplate(withLayout(isUrl ? where : path.resolve(cwd, where), layout));
  const mirror = override !== undefined && !isUrl;
  return {
    mirror,
    describe: (vars) => renderTemplate(isUrl ? pieces : upstream, vars),
    async read(vars) {
      const loc = renderTemplate(pieces, vars);
      if (isUrl) {
        let res: { status: number; body: Buffer };
        try {
          res = await fetchWithRetry(loc);
        } catch (e) {
          throw new SchemaPullError(`cannot download ${loc}: ${(e as Error).message}`);
        }
        if (res.status === 404) return undefined;
        if (res.status !== 200) throw new SchemaPullError(`cannot download ${loc}: HTTP status ${res.status}`);
        return res.body;
      }
      let st: fs.Stats;
      try {
        st = fs.statSync(loc);
      } catch {
        return undefined;
      }
      if (!st.isFile()) throw new SchemaPullError(`${loc}: not a regular file`);
      return fs.readFileSync(loc);
    },
  };
}

/** A folder or URL without a template gets the layout appended; a template is used as it is. */
function withLayout(location: string, layout: string): string {
  return location.includes('{{') ? location : `${location.replace(/\/+$/, '')}/${layout}`;
}

const typeName = (t: ApiType) => `${t.apiVersion} ${t.kind}`;
const fileNameOf = (v: TemplateVars) => `${v.ResourceKind}${v.KindSuffix}.json`;
const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface LockEntry {
  source: string;
  mirror?: true;
  revision?: string;
  licence: string;
  upstreamSha256: string;
  sha256: string;
  types: string[];
}

/** Pulls every file the types need; returns the folder's content by relative path (nothing is written). */
export async function pullSchemas(opts: PullOptions): Promise<Map<string, Buffer>> {
  const k8s = makeReader(opts.sources.kubernetes, opts.from?.kubernetes, K8S_LAYOUT, opts.cwd);
  const crds = makeReader(opts.sources.crds, opts.from?.crds, CRD_LAYOUT, opts.cwd);
  const files = new Map<string, Buffer>();
  const lock: Record<string, LockEntry> = {};
  const crdTypes = new Map<string, ApiType>();
  const versions = [...new Set(opts.kubernetesVersions)].sort(by);
  const types = [...opts.types].sort((a, b) => by(typeName(a), typeName(b)));

  for (const version of versions) {
    const vars = templateVars('Deployment', 'apps/v1', version, false);
    const raw = await k8s.read(vars);
    if (raw === undefined) throw new SchemaPullError(`no Kubernetes ${vars.NormalizedKubernetesVersion} definitions at ${k8s.describe(vars)}`);
    let doc: { definitions?: Record<string, unknown> };
    try {
      doc = JSON.parse(raw.toString('utf8')) as typeof doc;
    } catch (e) {
      throw new SchemaPullError(`${k8s.describe(vars)}: not JSON: ${(e as Error).message}`);
    }
    const deriver = StandaloneDeriver.fromJson(doc);
    const native: ApiType[] = [];
    for (const t of types) {
      if (derivable(deriver, t, version)) native.push(t);
      else crdTypes.set(typeName(t), t);
    }
    const pruned = pruneDefinitions(doc.definitions!, deriver, native, version);
    const rel = `kubernetes/${vars.NormalizedKubernetesVersion}/_definitions.json`;
    files.set(rel, pruned);
    lock[rel] = lockEntry(k8s, opts.sources.kubernetes, vars, raw, pruned, native);
  }

  // A type that some version defines natively is still looked up in the catalog for the versions that do not.
  const missing: string[] = [];
  for (const t of [...crdTypes.values()]) {
    const vars = templateVars(t.kind, t.apiVersion, versions[0] ?? 'master', false);
    const rel = `crds/${vars.Group}/${vars.ResourceKind}_${vars.ResourceAPIVersion}.json`;
    const raw = await crds.read(vars);
    if (raw === undefined) {
      missing.push(`${typeName(t)}${t.sources?.length ? ` (emitted by ${t.sources.join(', ')})` : ''}: not in the Kubernetes definitions and no file at ${crds.describe(vars)}`);
      continue;
    }
    try {
      JSON.parse(raw.toString('utf8'));
    } catch (e) {
      throw new SchemaPullError(`${crds.describe(vars)}: not JSON: ${(e as Error).message}`);
    }
    files.set(rel, raw);
    lock[rel] = lockEntry(crds, opts.sources.crds, vars, raw, raw, [t]);
  }
  if (missing.length > 0) throw new SchemaPullError(`no schema for ${missing.length} API type(s):\n  ${missing.join('\n  ')}`);

  files.set(LOCK_FILE, Buffer.from(lockText(lock)));
  files.set(NOTICE_FILE, Buffer.from(noticeText(opts.sources, lock)));
  return new Map([...files.entries()].sort(([a], [b]) => by(a, b)));
}

function lockEntry(reader: Reader, source: SchemaSource, vars: TemplateVars, upstream: Buffer, written: Buffer, types: readonly ApiType[]): LockEntry {
  return {
    source: reader.describe(vars),
    ...(reader.mirror ? { mirror: true as const } : {}),
    ...(source.revision ? { revision: source.revision } : {}),
    licence: source.licence,
    upstreamSha256: sha256(upstream),
    sha256: sha256(written),
    types: types.map(typeName),
  };
}

function derivable(deriver: StandaloneDeriver, t: ApiType, version: string): boolean {
  const vars = templateVars(t.kind, t.apiVersion, version, true);
  return deriver.derive(fileNameOf(vars), true) !== undefined;
}

/**
 * The definitions the types' standalone schemas are derived from, and everything they reference, with sorted keys.
 * Every key that maps to a type's file name is kept, so derivation ("the last key that converts wins") is unchanged.
 */
export function pruneDefinitions(definitions: Record<string, unknown>, deriver: StandaloneDeriver, types: readonly ApiType[], version: string): Buffer {
  const keep = new Set<string>();
  const queue: string[] = [];
  for (const t of types) queue.push(...deriver.keysFor(fileNameOf(templateVars(t.kind, t.apiVersion, version, true))));
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (keep.has(key) || !Object.prototype.hasOwnProperty.call(definitions, key)) continue;
    keep.add(key);
    collectRefs(definitions[key], queue);
  }
  const out: Record<string, unknown> = {};
  for (const key of [...keep].sort(by)) out[key] = sortKeysDeep(definitions[key]);
  return Buffer.from(`${JSON.stringify({ definitions: out }, null, 1)}\n`);
}

function collectRefs(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const x of node) collectRefs(x, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.push(v.replace(/^#\/definitions\//, ''));
      else collectRefs(v, into);
    }
  }
}

function sortKeysDeep(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortKeysDeep);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node).sort(by)) out[k] = sortKeysDeep((node as Record<string, unknown>)[k]);
  return out;
}

function lockText(lock: Record<string, LockEntry>): string {
  return (
    '# Written by `score-nx schemas pull`: do not edit. Each file of this folder, where it came from, the sha256 of the\n' +
    '# upstream bytes and of the file written here (pruned definitions differ from upstream), and its licence.\n' +
    stringify({ files: lock }, { lineWidth: 0, sortMapEntries: true })
  );
}

function noticeText(sources: SchemaSources, lock: Record<string, LockEntry>): string {
  const used = (prefix: string) => Object.keys(lock).some((f) => f.startsWith(prefix));
  const parts = ['This folder holds schemas copied from upstream projects by `score-nx schemas pull`; lock.yaml lists each file.\n'];
  if (used('kubernetes/')) {
    parts.push(
      `kubernetes/: Kubernetes API definitions (OpenAPI), pruned to the types this workspace emits.\n` +
        `  Source: ${sources.kubernetes.location}\n  Copyright The Kubernetes Authors. Licensed under ${sources.kubernetes.licence}.\n`,
    );
  }
  if (used('crds/')) {
    parts.push(
      `crds/: JSON schemas of custom resources, from the CRDs catalog.\n` +
        `  Source: ${sources.crds.location}${sources.crds.revision ? ` (revision ${sources.crds.revision})` : ''}\n` +
        `  Copyright the catalog's contributors and the projects that publish each CRD. Licensed under ${sources.crds.licence}.\n`,
    );
  }
  return parts.join('\n');
}

/**
 * Offline check of a committed folder against the types and versions a workspace needs. Returns the problems, one
 * line each, empty when the folder is exactly what a pull would need: every version's definitions present, every type
 * derivable from them or present in crds/, no file missing from or unknown to the lock, no hash mismatch, nothing
 * pruned away that is needed nor kept that is not.
 */
export function checkSchemas(dir: string, types: readonly ApiType[], kubernetesVersions: readonly string[], display = 'schemas'): string[] {
  const problems: string[] = [];
  let lock: Record<string, LockEntry> = {};
  try {
    const parsed = parseYaml(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { files?: Record<string, LockEntry> } | null;
    lock = parsed?.files ?? {};
  } catch {
    return [`${display}/${LOCK_FILE}: missing or unreadable; run score-nx schemas pull`];
  }
  const present = listFiles(dir).filter((f) => f !== LOCK_FILE && f !== NOTICE_FILE);
  for (const f of present) if (!(f in lock)) problems.push(`${display}/${f}: not in ${LOCK_FILE} (files here are written by score-nx schemas pull, never by hand)`);
  for (const [f, entry] of Object.entries(lock)) {
    const abs = path.join(dir, f);
    if (!fs.existsSync(abs)) problems.push(`${display}/${f}: listed in ${LOCK_FILE} but missing`);
    else if (sha256(fs.readFileSync(abs)) !== entry.sha256) problems.push(`${display}/${f}: changed since it was pulled (sha256 differs from ${LOCK_FILE})`);
  }
  const needed = new Set<string>();
  const versions = [...new Set(kubernetesVersions)].sort(by);
  const sorted = [...types].sort((a, b) => by(typeName(a), typeName(b)));
  const crdNeeded = new Map<string, ApiType>();
  for (const version of versions) {
    const vars = templateVars('Deployment', 'apps/v1', version, false);
    const rel = `kubernetes/${vars.NormalizedKubernetesVersion}/_definitions.json`;
    needed.add(rel);
    let doc: { definitions?: Record<string, unknown> };
    try {
      doc = JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8')) as typeof doc;
    } catch {
      problems.push(`${display}/${rel}: missing: an environment uses Kubernetes ${version}`);
      continue;
    }
    const deriver = StandaloneDeriver.fromJson(doc);
    const native: ApiType[] = [];
    for (const t of sorted) {
      if (derivable(deriver, t, version)) native.push(t);
      else crdNeeded.set(typeName(t), t);
    }
    const committed = fs.readFileSync(path.join(dir, rel));
    if (!pruneDefinitions(doc.definitions!, deriver, native, version).equals(committed)) {
      problems.push(`${display}/${rel}: holds definitions no emitted type reaches (a kind was removed from the library); run score-nx schemas pull`);
    }
  }
  for (const t of crdNeeded.values()) {
    const vars = templateVars(t.kind, t.apiVersion, versions[0] ?? 'master', false);
    const rel = `crds/${vars.Group}/${vars.ResourceKind}_${vars.ResourceAPIVersion}.json`;
    needed.add(rel);
    if (!fs.existsSync(path.join(dir, rel))) {
      problems.push(
        `${typeName(t)}${t.sources?.length ? ` (emitted by ${t.sources.join(', ')})` : ''}: no schema in ${display}/ ` +
          `(not in its Kubernetes definitions, no ${display}/${rel}); run score-nx schemas pull`,
      );
    }
  }
  for (const f of Object.keys(lock)) if (!needed.has(f)) problems.push(`${display}/${f}: no emitted type or environment needs it; run score-nx schemas pull to prune it`);
  return problems;
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out.sort(by);
}
