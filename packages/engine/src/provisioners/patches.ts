import Ajv2020 from 'ajv/dist/2020';
import { applyOperation, deepClone } from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isDeepStrictEqual } from 'node:util';
import type { DocPath } from '../errors';
import { CLUSTER_SCOPED, withDefaults } from '../k8s';
import type { K8sObject } from '../k8s';
import type { SourcedObject } from '../pipeline/assemble';
import { describeSchemaError, errorPath, primaryError } from '../schema-errors';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import { compiledOnFirstUse } from '../util/lazy-validator';

/**
 * Library patches (`provisioners/_patches/*.yaml`): the platform's last word over a service's rendered objects,
 * score-k8s's `--patch-templates` role. A patch selects objects (`match`), optionally only in some environments,
 * and changes each with a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902); it may also add objects. It
 * can never change an object's identity or owner: its namespace, kind, apiVersion, name and ownership labels (the
 * labels the render stamps on every object) stay as rendered, and an added object lives in the service's namespace.
 */
export const PATCHES_DIR = '_patches';

export interface LibraryPatch {
  file: string;
  source: YamlSource;
  environments?: string[];
  match: { apiVersion?: string; kind?: string; name?: string };
  mergePatch?: Record<string, unknown>;
  jsonPatch?: Operation[];
  objects?: K8sObject[];
}

const PATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    description: { type: 'string', minLength: 1 },
    environments: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: { apiVersion: { type: 'string', minLength: 1 }, kind: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
    },
    mergePatch: { type: 'object' },
    jsonPatch: {
      type: 'array',
      items: {
        type: 'object',
        required: ['op', 'path'],
        properties: { op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }, path: { type: 'string' }, from: { type: 'string' } },
      },
    },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'metadata'],
        properties: {
          apiVersion: { type: 'string', minLength: 1 },
          kind: { type: 'string', minLength: 1 },
          metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string' } } },
        },
      },
    },
  },
  not: { required: ['mergePatch', 'jsonPatch'] },
} as const;

const validatePatch = compiledOnFirstUse(() => new Ajv2020({ strict: false, verbose: true }).compile(PATCH_SCHEMA));

/** Every `_patches/*.yaml` of a library, in file-name order (the order they apply in). */
export function loadPatches(files: readonly string[], read: (file: string) => string, describe: (file: string) => string): LibraryPatch[] {
  return files
    .filter((f) => f.startsWith(`${PATCHES_DIR}/`) && /^[^/]+\.ya?ml$/.test(f.slice(PATCHES_DIR.length + 1)))
    .sort()
    .map((f) => {
      const file = describe(f);
      const source = parseYamlMapping(file, read(f), 'library patch', { exactNumbers: true });
      if (!validatePatch(source.data)) {
        const e = primaryError(validatePatch.errors!);
        const both = e.keyword === 'not' ? 'a patch has a mergePatch or a jsonPatch, not both' : describeSchemaError(e);
        throw source.error(e.keyword === 'not' ? ['jsonPatch'] : errorPath(e), both);
      }
      const d = source.data as Omit<LibraryPatch, 'file' | 'source' | 'match'> & { match?: LibraryPatch['match'] };
      return { ...d, match: d.match ?? {}, file, source };
    });
}

export interface PatchTarget {
  environment: string;
  namespace: string;
  /** The labels the render stamps on every object: who owns it. */
  ownershipLabels: Record<string, string>;
}

const matches = (m: LibraryPatch['match'], o: K8sObject) =>
  (m.apiVersion === undefined || m.apiVersion === o.apiVersion) && (m.kind === undefined || m.kind === o.kind) && (m.name === undefined || m.name === o.metadata.name);

/** RFC 7386: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return deepClone(patch);
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else Object.defineProperty(out, key, { value: mergePatch(out[key], value), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

/** What a patched object may not differ in from the rendered one: the document path of the first change, if any. */
function identityChange(before: K8sObject, after: K8sObject, ownership: Record<string, string>): { path: string[]; what: string } | undefined {
  for (const key of ['apiVersion', 'kind'] as const) if (after[key] !== before[key]) return { path: [key], what: key };
  if (after.metadata?.name !== before.metadata.name) return { path: ['metadata', 'name'], what: 'name' };
  if (after.metadata?.namespace !== before.metadata.namespace) return { path: ['metadata', 'namespace'], what: 'namespace' };
  for (const label of Object.keys(ownership).sort()) {
    if (after.metadata?.labels?.[label] !== before.metadata.labels?.[label]) return { path: ['metadata', 'labels', label], what: `ownership label '${label}'` };
  }
  return undefined;
}

const describeObject = (o: K8sObject) => `${o.kind} '${o.metadata.name}'`;

/** Applies the library's patches of this environment to the service's own objects (shared ones are the platform's). */
export function applyPatches(patches: readonly LibraryPatch[], objects: readonly SourcedObject[], target: PatchTarget): SourcedObject[] {
  let current = [...objects];
  for (const patch of patches) {
    if (patch.environments && !patch.environments.includes(target.environment)) continue;
    const refuse = (path: DocPath, what: string, object: K8sObject) =>
      patch.source.error(path, `a patch may not change an object's ${what} (${describeObject(object)}): namespace, kind, name and ownership labels stay as rendered`);
    current = current.map((entry) => {
      if (!matches(patch.match, entry.object)) return entry;
      const before = entry.object;
      let after: K8sObject;
      if (patch.mergePatch) {
        after = mergePatch(before, patch.mergePatch) as K8sObject;
        const changed = identityChange(before, after, target.ownershipLabels);
        if (changed) throw refuse(['mergePatch', ...changed.path], changed.what, before);
      } else if (patch.jsonPatch) {
        let doc: unknown = deepClone(before);
        patch.jsonPatch.forEach((op, i) => {
          try {
            doc = applyOperation(doc, deepClone(op) as Operation, true, true, false).newDocument;
          } catch (err) {
            throw patch.source.error(['jsonPatch', i], `cannot apply to ${describeObject(before)}: ${(err as Error).message.split('\n')[0]}`);
          }
          const changed = identityChange(before, doc as K8sObject, target.ownershipLabels);
          if (changed) throw refuse(['jsonPatch', i], changed.what, before);
        });
        after = doc as K8sObject;
      } else return entry;
      return isDeepStrictEqual(after, before) ? entry : { object: after, origin: `${entry.origin}, patched by ${patch.file}` };
    });
    (patch.objects ?? []).forEach((object, i) => {
      if (CLUSTER_SCOPED.has(object.kind)) throw patch.source.error(['objects', i, 'kind'], `a patch may add objects only in the service's namespace: ${object.kind} is cluster-scoped`);
      const ns = object.metadata.namespace;
      if (ns !== undefined && ns !== target.namespace) {
        throw patch.source.error(['objects', i, 'metadata', 'namespace'], `a patch may add objects only in the service's namespace '${target.namespace}', not '${ns}'`);
      }
      for (const [label, value] of Object.entries(object.metadata.labels ?? {})) {
        if (Object.hasOwn(target.ownershipLabels, label) && target.ownershipLabels[label] !== value) {
          throw patch.source.error(['objects', i, 'metadata', 'labels', label], `a patch may not set the ownership label '${label}' of an object it adds`);
        }
      }
      current.push({ object: withDefaults(deepClone(object) as K8sObject, target.namespace, target.ownershipLabels), origin: patch.file });
    });
  }
  return current;
}
