import { findRefs } from '../score/placeholders';
import { createValidatorFor, scoreSchema } from '../score/score-schema';
import type { ScoreSchemaError } from '../score/score-schema';
import { provisionersInPrecedence } from './library';
import type { Library, ProvisionerDefinition } from './library';

/**
 * The extended Score schema of a library version: the base Score schema, plus the platform's workload metadata
 * keys, plus, for each resource type, the params schema of its provisioner(s), selected by `type`. Editors use it
 * through `score-nx schema` (no environment: a type's params may match any of its provisioners); a render
 * validates with the schema of its environment, where a resource's params are checked against the one
 * provisioner that serves it there (the choice matchProvisioner makes), so an error names that provisioner's rules.
 */
export function extendedScoreSchema(library: Library, environment?: string): Record<string, unknown> {
  const schema = structuredClone(scoreSchema) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  schema['$id'] = `https://score-nx.dev/schemas/score-v1b1-platform-${library.source.version}${environment !== undefined ? `-${environment}` : ''}.json`;
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
      then: environment === undefined ? { properties: { params: variants.length === 1 ? variants[0] : { anyOf: variants } } } : servedParams(provisionersInPrecedence(library, type, environment)),
    };
  });
  return schema;
}

/**
 * The params schema of the provisioner that serves a resource, as a chain of if/then/else in match precedence:
 * the first whose class and id the resource has gives the params schema. None serving it: no params rule here
 * (the provision phase reports the missing provisioner).
 */
function servedParams(candidates: readonly ProvisionerDefinition[]): Record<string, unknown> {
  const [first, ...rest] = candidates;
  if (first === undefined) return {};
  const then = { properties: { params: first.params } };
  const conditions: Array<Record<string, unknown>> = [];
  if (first.id !== undefined) conditions.push({ properties: { id: { const: first.id } }, required: ['id'] });
  if (first.class === 'default') conditions.push({ anyOf: [{ not: { required: ['class'] } }, { properties: { class: { const: 'default' } } }] });
  else if (first.class !== undefined) conditions.push({ properties: { class: { const: first.class } }, required: ['class'] });
  if (conditions.length === 0) return then;
  return { if: { allOf: conditions }, then, else: servedParams(rest) };
}

const validators = new Map<string, (doc: unknown) => ScoreSchemaError[]>();

/** Compiled once per library content and environment. */
export function extendedValidator(library: Library, environment?: string): (doc: unknown) => ScoreSchemaError[] {
  const key = `${library.source.version}:${library.source.contentHash}:${environment ?? ''}`;
  let v = validators.get(key);
  if (!v) {
    const validate = createValidatorFor(extendedScoreSchema(library, environment));
    // Params are validated again after placeholder substitution (runtime.ts): a constraint that fails on a string
    // holding a placeholder (`host: ${metadata.domain}` against a pattern) is left to that check.
    const checked = (doc: unknown) => validate(doc).filter((e) => !(e.path[0] === 'resources' && e.path[2] === 'params' && holdsPlaceholder(valueAt(doc, e.path))));
    v = checked;
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
