/**
 * Render-level checks (cross-object references and admission policies) and the workspace's `policies/` folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Finding } from './finding';
import { bindingsFor, checkPolicies, policySet } from './policies';
import type { PolicySet } from './policies';
import { checkReferences } from './references';
import type { ProvidedObject } from './references';

export const POLICIES_DIR = 'policies';
export const PLATFORM_OBJECTS_KIND = 'PlatformObjects';

export interface PolicyFolder {
  set: PolicySet;
  /** Platform-provided objects by environment; '*' for all. */
  provided: Record<string, ProvidedObject[]>;
  /** The admission objects with their file, for the platform-owned output. */
  documents: { file: string; object: Record<string, unknown> }[];
}

/** Thrown for a policies/ file or a render that does not parse; the message names file:line:col. */
export class AdmissionInputError extends Error {}

function parseFile(file: string, text: string): unknown[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc });
  const out: unknown[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    const err = d.errors[0];
    if (err) {
      const { line, col } = lc.linePos(err.pos[0]);
      throw new AdmissionInputError(`${file}:${line}:${col}: ${err.message.split('\n')[0]}`);
    }
    const v = d.toJS() as unknown;
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** Reads `<root>/policies/*.yaml` (sorted); a missing folder is an empty one. */
export function loadPolicyFolder(root: string): PolicyFolder {
  const dir = join(root, POLICIES_DIR);
  const folder: PolicyFolder = { set: { policies: [], bindings: [], params: [] }, provided: {}, documents: [] };
  if (!existsSync(dir)) return folder;
  const docs: unknown[] = [];
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = `${POLICIES_DIR}/${name}`;
    for (const d of parseFile(file, readFileSync(join(dir, name), 'utf8'))) {
      const o = d as Record<string, unknown>;
      if (o.kind === PLATFORM_OBJECTS_KIND) {
        const envs = (o.environments ?? {}) as Record<string, ProvidedObject[]>;
        for (const [env, list] of Object.entries(envs)) folder.provided[env] = [...(folder.provided[env] ?? []), ...(Array.isArray(list) ? list : [])];
        continue;
      }
      docs.push(d);
      folder.documents.push({ file, object: o });
    }
  }
  folder.set = policySet(docs);
  return folder;
}

export interface RenderCheckResult extends Finding {
  /** The object the finding is about. */
  kind: string;
  name: string;
  namespace: string;
}

/** References and policies over one render's objects, each finding once, in document order. */
export function checkRender(objects: unknown[], folder: PolicyFolder, environment: string): RenderCheckResult[] {
  const provided = [...(folder.provided['*'] ?? []), ...(folder.provided[environment] ?? [])];
  const all = [...checkReferences(objects, provided), ...checkPolicies(objects, folder.set, environment)].sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const out: RenderCheckResult[] = [];
  for (const f of all) {
    const key = `${f.index}\0${f.source}\0${f.path}\0${f.msg}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = objects[f.index] as { kind?: string; metadata?: { name?: string; namespace?: string } };
    const { index: _index, ...finding } = f;
    out.push({ ...finding, kind: o.kind ?? '', name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? '' });
  }
  return out;
}

/**
 * A render's manifests.yaml as its objects (document order, empty documents dropped). js-yaml, not the yaml
 * package: renders are plain YAML 1.2 written by the engine, and js-yaml reads them ~8x faster (same values).
 * The validator has already reported syntax errors, so one here is only named, with its line and column.
 */
export function renderObjects(file: string, text: string): unknown[] {
  try {
    return loadAll(text).filter((v) => v !== null && v !== undefined);
  } catch (e) {
    const mark = (e as { mark?: { line: number; column: number } }).mark;
    throw new AdmissionInputError(`${file}:${(mark?.line ?? 0) + 1}:${(mark?.column ?? 0) + 1}: ${(e as { reason?: string }).reason ?? (e as Error).message}`);
  }
}

/**
 * What the clusters of `environment` install from policies/: the bindings that apply there, the policies they
 * name, the params objects and a Namespace for each params namespace (Argo CD does not create namespaces for
 * the platform). The `_shared` output renders these, so a cluster enforces exactly the rules `validate` checks.
 */
export function clusterPolicyObjects(folder: PolicyFolder, environment: string): Record<string, unknown>[] {
  const bindings = bindingsFor(folder.set, environment);
  const named = new Set(bindings.map((b) => (b.spec as { policyName?: unknown } | undefined)?.policyName));
  const policies = folder.set.policies.filter((p) => named.has((p.metadata as { name?: unknown } | undefined)?.name));
  const params = folder.set.params;
  const namespaces = [...new Set(params.map((p) => (p.metadata as { namespace?: unknown } | undefined)?.namespace).filter((n): n is string => typeof n === 'string'))].sort();
  return [...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })), ...policies, ...bindings, ...params];
}
