import type { ErrorObject } from 'ajv';
import { didYouMean } from './util/did-you-mean';

/**
 * The one wording of JSON Schema (ajv) errors, for every schema the engine checks: the Score schema, provisioner
 * definitions and library files, resource params, workload patches and command output, environments and service
 * configs. Messages say what the value must be, in the user's terms; the caller adds where.
 */

/** Converts an ajv instancePath (JSON Pointer) to segments, numeric for array indices. */
export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The error to report when one is enough (validators that stop at the first error): a `oneOf`/`anyOf` rather
 * than the error of one of its branches, which would name a field of an alternative the user did not choose.
 */
export function primaryError(errors: readonly ErrorObject[]): ErrorObject {
  const first = errors[0]!;
  const combinator = errors.find((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && (e === first || isBranchError(first, e)));
  return combinator ?? first;
}

/** The path of an error, with the field an `additionalProperties` or `required` error is about. */
export function errorPath(error: ErrorObject, withMissing = false): Array<string | number> {
  const path = pointerToPath(error.instancePath);
  if (error.keyword === 'additionalProperties') path.push(String(error.params['additionalProperty']));
  if (withMissing && error.keyword === 'required') path.push(String(error.params['missingProperty']));
  return path;
}

export function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

export function listOf(values: readonly unknown[], conjunction: 'or' | 'and'): string {
  const quoted = values.map(quote);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** If every branch is just `{ required: [field] }`, returns those fields. */
export function requiredOnlyBranches(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const fields: string[] = [];
  for (const branch of branches) {
    if (branch === null || typeof branch !== 'object') return undefined;
    const keys = Object.keys(branch);
    const required = (branch as { required?: unknown }).required;
    if (keys.length !== 1 || !Array.isArray(required) || required.length !== 1) return undefined;
    fields.push(String(required[0]));
  }
  return fields;
}

export function isBranchError(candidate: ErrorObject, combinator: ErrorObject): boolean {
  return (
    candidate !== combinator &&
    candidate.schemaPath.startsWith(`${combinator.schemaPath}/`) &&
    (candidate.instancePath === combinator.instancePath ||
      candidate.instancePath.startsWith(`${combinator.instancePath}/`))
  );
}

export function describeSchemaError(error: ErrorObject, patternHints: Readonly<Record<string, string>> = {}): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return `must be ${types.join(' or ')}`;
    }
    case 'required':
      return `missing required field '${String(params.missingProperty)}'`;
    case 'additionalProperties': {
      // `verbose` gives the parent schema: the fields that were meant, for a suggestion.
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown field '${String(params.additionalProperty)}'${didYouMean(String(params.additionalProperty), known)}`;
    }
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      // The value is echoed only next to a close match: a value far from every allowed one may be long or hostile.
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, allowed.filter((v): v is string => typeof v === 'string')) : '';
      return `must be one of ${listOf(allowed, 'or')}${suggestion ? `, got '${String(error.data)}'${suggestion}` : ''}`;
    }
    case 'const':
      return `must be ${quote(params.allowedValue)}`;
    case 'pattern': {
      const pattern = String(params.pattern);
      return patternHints[pattern] ?? `must match pattern ${pattern}`;
    }
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
    case 'maximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'minProperties':
      return params.limit === 1 ? 'must have at least 1 entry' : `must have at least ${String(params.limit)} entries`;
    case 'oneOf':
    case 'anyOf': {
      const fields = requiredOnlyBranches(error.schema);
      if (fields) return describeChoice(error, fields);
      return error.keyword === 'anyOf' ? 'must match at least one of the allowed forms' : 'must match exactly one of the allowed forms';
    }
    default:
      return error.message ?? `failed '${error.keyword}' check`;
  }
}

export /** Message for a failed oneOf/anyOf whose branches each require a single field. */
function describeChoice(error: ErrorObject, fields: string[]): string {
  if (error.keyword === 'anyOf') return `must set at least one of ${listOf(fields, 'or')}`;
  const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (Array.isArray(passing)) {
    const found = passing.map((i) => fields[i]);
    return `must set exactly one of ${listOf(fields, 'or')}, but found ${listOf(found, 'and')}`;
  }
  return `must set exactly one of ${listOf(fields, 'or')}`;
}
