import { UserError } from '../errors';
import { byCodeUnit } from '../util/compare';
import type { EnvironmentDefinition } from '../environments/environments';
import type { Library } from './library';

/** One API type a render can emit, and the places that emit it (`<library>/<folder>/<template>:<line>` or `engine`). */
export interface EmittedKind {
  apiVersion: string;
  kind: string;
  sources: string[];
}

/**
 * The objects the engine itself writes, whatever the library: the default workload (Deployment or StatefulSet),
 * its Service and the ConfigMaps of `files` (see convert/workload.ts).
 */
export const ENGINE_EMITTED_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Service' },
];

const CAPABILITY = /^\{\{-?\s*environment\.capabilities\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}$/;

/**
 * Every API type the library's manifest templates can emit in the given environments, sorted. Found statically,
 * so that a kind added to a template is known before any service uses it: a top-level `apiVersion:` and `kind:`
 * pair of each YAML document of a manifests template or of a partial (`_*.njk`, `_shared/`). An apiVersion may be
 * written literally or as `{{ environment.capabilities.<key> }}` (resolved per environment); anything else cannot
 * be known without rendering and is an error naming the line.
 */
export function emittedKinds(libraries: readonly Library[], environments: readonly EnvironmentDefinition[]): EmittedKind[] {
  const found = new Map<string, EmittedKind>();
  const add = (apiVersion: string, kind: string, source: string) => {
    const key = `${apiVersion}\0${kind}`;
    const entry = found.get(key) ?? { apiVersion, kind, sources: [] };
    if (!entry.sources.includes(source)) entry.sources.push(source);
    found.set(key, entry);
  };
  for (const k of ENGINE_EMITTED_KINDS) add(k.apiVersion, k.kind, 'engine');
  for (const library of libraries) {
    for (const p of library.provisioners) {
      for (const [name, text] of p.templateSources) {
        const isManifests = name === p.templates?.manifests;
        const isPartial = name.startsWith('_');
        if (!isManifests && !isPartial) continue;
        const file = name.startsWith('_shared/') ? name : `${p.folder}/${name}`;
        for (const pair of documentTypes(text, library.source.describe(file))) {
          const where = `${library.source.describe(file)}:${pair.line}`;
          for (const apiVersion of resolveApiVersion(pair.apiVersion, environments, where)) add(apiVersion, pair.kind, where);
        }
      }
    }
  }
  return [...found.values()]
    .map((k) => ({ ...k, sources: k.sources.sort() }))
    .sort((a, b) => byCodeUnit(`${a.apiVersion} ${a.kind}`, `${b.apiVersion} ${b.kind}`));
}

/** The top-level apiVersion/kind pairs of a multi-document template, with the line of the apiVersion. */
function documentTypes(text: string, file: string): Array<{ apiVersion: string; kind: string; line: number }> {
  const pairs: Array<{ apiVersion: string; kind: string; line: number }> = [];
  let apiVersion: { value: string; line: number } | undefined;
  let kind: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^---\s*$/.test(line)) {
      apiVersion = undefined;
      kind = undefined;
      continue;
    }
    const m = /^(apiVersion|kind):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const value = unquote(m[2]!);
    if (m[1] === 'apiVersion') apiVersion = { value, line: i + 1 };
    else kind = value;
    if (apiVersion && kind !== undefined) {
      if (kind.includes('{{') || kind.includes('{%')) throw new UserError(`${file}:${i + 1}: kind '${kind}' is computed; write it literally so the schemas it needs are known`);
      pairs.push({ apiVersion: apiVersion.value, kind, line: apiVersion.line });
      apiVersion = undefined;
      kind = undefined;
    }
  }
  return pairs;
}

function resolveApiVersion(value: string, environments: readonly EnvironmentDefinition[], where: string): string[] {
  if (!value.includes('{{') && !value.includes('{%')) return [value];
  const m = CAPABILITY.exec(value);
  if (!m) {
    throw new UserError(`${where}: apiVersion '${value}' is computed; write it literally or as {{ environment.capabilities.<key> }} so the schemas it needs are known`);
  }
  const key = m[1]!;
  const versions = new Set<string>();
  for (const env of environments) {
    const v = Object.prototype.hasOwnProperty.call(env.capabilities, key) ? env.capabilities[key] : undefined;
    if (typeof v !== 'string' || v === '') throw new UserError(`${env.file}: capabilities.${key}: must be an apiVersion string (${where} uses it)`);
    versions.add(v);
  }
  return [...versions];
}

function unquote(s: string): string {
  const m = /^(['"])(.*)\1$/.exec(s);
  return m ? m[2]! : s;
}

