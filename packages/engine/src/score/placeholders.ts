import { DocumentError } from '../errors';
import type { DocPath } from '../errors';

/**
 * Placeholder substitution with the semantics of score-go's framework (used by score-k8s):
 * `${ref}` is replaced, `$${...}` yields a literal `${...}`, `$$` yields `$`, a lone `$` is kept.
 * The ref ends at the first `}`; nested braces are not supported.
 */
const PLACEHOLDER = /\$((?:\$?\{([^}]*)\})|\$)/g;

/** Resolves one ref (already split on unescaped dots) to a value, or returns an error message. */
export type RefResolver = (ref: string, parts: string[]) => unknown;

export class RefError extends Error {}

/** Splits `a.b\.c` into `['a', 'b.c']`. */
export function splitRef(ref: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < ref.length; i++) {
    const ch = ref[i]!;
    if (ch === '\\' && ref[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Non-strings are JSON-encoded, as the reference does (`5432` → `"5432"`, maps → compact JSON). */
export function stringifyValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Substitutes every placeholder of `input`. All errors of one string are collected and reported together,
 * joined with `; ` as the reference does.
 */
export function substitute(input: string, resolve: RefResolver): string {
  const errors: string[] = [];
  const out = input.replace(PLACEHOLDER, (match: string, inner: string, ref: string | undefined) => {
    if (inner === '$') return '$';
    if (inner.startsWith('$')) return inner; // `$${x}` → `${x}`
    try {
      return stringifyValue(resolve(ref!, splitRef(ref!)));
    } catch (err) {
      if (err instanceof RefError) {
        errors.push(err.message);
        return match;
      }
      throw err;
    }
  });
  if (errors.length > 0) throw new RefError(errors.join('; '));
  return out;
}

/** The refs a string uses, in order of appearance (escaped ones excluded). */
export function findRefs(input: string): string[][] {
  const refs: string[][] = [];
  for (const m of input.matchAll(PLACEHOLDER)) {
    if (m[1] !== '$' && !m[1]!.startsWith('$')) refs.push(splitRef(m[2]!));
  }
  return refs;
}

/** Walks a lookup path through nested maps, with the reference's error messages. */
export function lookupPath(ref: string, root: unknown, keys: string[]): unknown {
  let current = root;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      throw new RefError(`invalid ref '${ref}': cannot lookup key '${key}', context is not a map`);
    }
    if (!Object.prototype.hasOwnProperty.call(current, key)) {
      throw new RefError(`invalid ref '${ref}': key '${key}' not found`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** What a workload's placeholders can see. */
export interface PlaceholderContext {
  metadata: Record<string, unknown>;
  /** Outputs of the workload's resources, by resource name; `undefined` for a resource not provisioned. */
  resources: Record<string, Record<string, unknown> | undefined>;
}

/** The standard resolver: `metadata.<k>...` and `resources.<name>.<k>...`. */
export function workloadResolver(ctx: PlaceholderContext): RefResolver {
  return (ref, parts) => {
    const [root, ...rest] = parts;
    if (root === 'metadata') {
      if (rest.length === 0) throw new RefError(`invalid ref '${ref}': requires at least a metadata key to lookup`);
      return lookupPath(ref, ctx.metadata, rest);
    }
    if (root === 'resources') {
      const [name, ...keys] = rest;
      if (name === undefined || !Object.prototype.hasOwnProperty.call(ctx.resources, name)) {
        throw new RefError(`invalid ref '${ref}': no known resource '${name ?? ''}'`);
      }
      if (keys.length === 0) throw new RefError(`invalid ref '${ref}': at least one lookup key is required`);
      return lookupPath(ref, ctx.resources[name] ?? {}, keys);
    }
    throw new RefError(`invalid ref '${ref}': unknown reference root, use $$ to escape the substitution`);
  };
}

/**
 * Substitutes every string leaf of a JSON-like value (maps and lists are walked; keys are not substituted).
 * Errors carry the document path of the culprit, below `basePath`.
 */
export function substituteDeep(value: unknown, resolve: RefResolver, basePath: DocPath): unknown {
  if (typeof value === 'string') {
    try {
      return substitute(value, resolve);
    } catch (err) {
      if (err instanceof RefError) throw new DocumentError(basePath, err.message);
      throw err;
    }
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteDeep(item, resolve, [...basePath, i]));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines properties: a user key `__proto__` stays a key instead of replacing the prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, resolve, [...basePath, k])]));
  }
  return value;
}
