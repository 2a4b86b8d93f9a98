import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

/**
 * Derives the engine's volume definitions (src/convert/volume-definitions.json) from a workspace
 * `schemas/kubernetes/<v>/_definitions.json`: the definitions that `Volume` and `PersistentVolumeClaimSpec` reach,
 * without descriptions and `x-kubernetes-*` extensions, every object with `properties` closed
 * (`additionalProperties: false`, as kubeconform's strict mode and Go's DisallowUnknownFields), and a
 * `VolumeSource` definition: `Volume` without its `name` (Kubernetes inlines VolumeSource into Volume, so the
 * OpenAPI document has no definition of its own for it).
 */

export const VOLUME_SOURCE = 'io.k8s.api.core.v1.VolumeSource';
export const CLAIM_SPEC = 'io.k8s.api.core.v1.PersistentVolumeClaimSpec';
const VOLUME = 'io.k8s.api.core.v1.Volume';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const REF = '#/definitions/';

/** The newest Kubernetes version of the workspace's schemas/kubernetes (folders named v<semver>). */
export function newestKubernetesSchema(workspaceRoot: string): { version: string; file: string } {
  const dir = join(workspaceRoot, 'schemas', 'kubernetes');
  const versions = readdirSync(dir).filter((v) => semver.valid(v.replace(/^v/, '')) !== null);
  if (versions.length === 0) throw new Error(`no schemas/kubernetes/v<version> folder in ${workspaceRoot}`);
  const version = versions.sort((a, b) => semver.compare(a.replace(/^v/, ''), b.replace(/^v/, ''))).pop()!;
  return { version, file: `schemas/kubernetes/${version}/_definitions.json` };
}

export function deriveVolumeDefinitions(workspaceRoot: string): { text: string; version: string } {
  const { version, file } = newestKubernetesSchema(workspaceRoot);
  const doc = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as unknown;
  if (!isObj(doc) || !isObj(doc['definitions'])) throw new Error(`${file}: no "definitions" object`);
  const all = doc['definitions'];
  const volume = all[VOLUME];
  if (!isObj(volume) || !isObj(volume['properties'])) throw new Error(`${file}: no ${VOLUME} definition`);
  const { name: _name, ...sourceProperties } = volume['properties'];
  const roots: Obj = {
    [VOLUME_SOURCE]: { type: 'object', properties: sourceProperties },
  };
  const picked: Obj = {};
  const visit = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObj(node)) return;
    const ref = node['$ref'];
    if (typeof ref === 'string' && ref.startsWith(REF)) {
      const key = ref.slice(REF.length);
      if (!(key in picked)) {
        const definition = all[key];
        if (definition === undefined) throw new Error(`${file}: ${key} is referenced but not defined`);
        picked[key] = definition;
        visit(definition);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(roots);
  visit({ $ref: `${REF}${CLAIM_SPEC}` });
  const definitions = Object.fromEntries(Object.entries({ ...picked, ...roots }).map(([k, v]) => [k, clean(v)]));
  const out = {
    $comment: `Derived from ${file} by packages/engine/src/test-support/volume-definitions.ts: do not edit. After pulling schemas: UPDATE_GOLDENS=1 npx vitest run packages/engine/src/convert/volume-source.test.ts`,
    kubernetesVersion: version,
    definitions,
  };
  return { text: `${JSON.stringify(sortKeys(out), null, 2)}\n`, version };
}

/** A schema without descriptions and extensions, each object with `properties` closed; `properties` maps keep their names. */
function clean(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(clean);
  if (!isObj(schema)) return schema;
  const out: Obj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description' || k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' && isObj(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, clean(s)])) : clean(v);
  }
  if (isObj(schema['properties']) && !('additionalProperties' in schema)) out['additionalProperties'] = false;
  return out;
}

function sortKeys(node: Json): Json {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (!isObj(node)) return node;
  return Object.fromEntries(Object.keys(node).sort().map((k) => [k, sortKeys(node[k]!)]));
}
