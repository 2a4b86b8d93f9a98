import { findRefs } from '../score/placeholders';
import { createValidatorFor, scoreSchema } from '../score/score-schema';
import type { ScoreSchemaError } from '../score/score-schema';
import type { Library } from './library';

/**
 * The extended Score schema of a library version: the base Score schema, plus the platform's workload metadata
 * keys, plus, for each resource type, the params schema of its provisioner(s), selected by `type`. Editors use it
 * through `score-nx schema`; generation validates every Score file with the same schema.
 */
export function extendedScoreSchema(library: Library): Record<string, unknown> {
  const schema = structuredClone(scoreSchema) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  schema['$id'] = `https://score-nx.dev/schemas/score-v1b1-platform-${library.source.version}.json`;
  schema['title'] = `Score workload, with the platform's provisioner library ${library.source.version}`;
  const defs = schema['$defs'];
  const metadata = defs['workloadMetadata'];
  metadata.properties = { ...metadata.properties, ...library.workloadMetadata.properties };
  if (library.workloadMetadata.required.length > 0) {
    metadata.required = [...new Set([...(metadata.required ?? []), ...library.workloadMetadata.required])];
  }
  const byType = new Map<string, Array<Record<string, unknown>>>();
  for (const p of library.provisioners) byType.set(p.type, [...(byType.get(p.type) ?? []), p.params]);
  const types = [...byType.keys()].sort();
  const resource = defs['resource'];
  resource.properties = {
    ...resource.properties,
    type: { ...resource.properties.type, enum: types, description: `The resource type: one of the library's provisioners (${types.join(', ')}).` },
  };
  resource.allOf = types.map((type) => {
    const variants = byType.get(type)!;
    return {
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { properties: { params: variants.length === 1 ? variants[0] : { anyOf: variants } } },
    };
  });
  return schema;
}

const validators = new Map<string, (doc: unknown) => ScoreSchemaError[]>();

/** Compiled once per library content. */
export function extendedValidator(library: Library): (doc: unknown) => ScoreSchemaError[] {
  const key = `${library.source.version}:${library.source.contentHash}`;
  let v = validators.get(key);
  if (!v) {
    const validate = createValidatorFor(extendedScoreSchema(library));
    // Params are validated again after placeholder substitution (runtime.ts): a constraint that fails on a string
    // holding a placeholder (`host: ${metadata.domain}` against a pattern) is left to that check.
    v = (doc) => validate(doc).filter((e) => !(e.path[0] === 'resources' && e.path[2] === 'params' && holdsPlaceholder(valueAt(doc, e.path))));
    validators.set(key, v);
  }
  return v;
}

function valueAt(doc: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = doc;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function holdsPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && findRefs(value).length > 0;
}
