import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import { didYouMean } from '../util/did-you-mean';

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
  const unclosed = unclosedPlaceholder(input);
  if (unclosed !== undefined) errors.push(unclosed);
  if (errors.length > 0) throw new RefError(errors.join('; '));
  return out;
}

/** Longest part of an unclosed placeholder that a message echoes. */
const ECHO_LIMIT = 40;

/**
 * The error for a `${` that no `}` closes, or undefined. The reference keeps such text literally; here it is an
 * error, since it is nearly always a typo that would otherwise reach the manifests as `${resources.db.url`.
 */
export function unclosedPlaceholder(input: string): string | undefined {
  // What the placeholder pattern leaves between its matches can hold a `${` only when no `}` follows it.
  let gapStart = 0;
  for (const m of input.matchAll(PLACEHOLDER)) {
    const found = unclosedIn(input.slice(gapStart, m.index));
    if (found !== undefined) return found;
    gapStart = m.index + m[0].length;
  }
  return unclosedIn(input.slice(gapStart));
}

function unclosedIn(gap: string): string | undefined {
  const at = gap.indexOf('${');
  if (at < 0) return undefined;
  const rest = gap.slice(at);
  const echoed = rest.length > ECHO_LIMIT ? `${rest.slice(0, ECHO_LIMIT)}…` : rest;
  return `unclosed placeholder '${echoed}': add the closing '}' (or write '$\${' for a literal '\${')`;
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
      throw new RefError(`invalid ref '${ref}': key '${key}' not found${didYouMean(key, Object.keys(current))}`);
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

/** The roots a placeholder can name. */
const REFERENCE_ROOTS = ['metadata', 'resources'];

/**
 * The checks of a ref that need no value: its root, and for `resources.<name>` that the workload declares the
 * resource. Shared by the render and by the Score file's load-time check, so both word a mistake alike.
 */
function checkRefShape(ref: string, parts: string[], resourceNames: readonly string[]): void {
  const [root, name] = parts;
  if (root === 'resources' && (name === undefined || !resourceNames.includes(name))) {
    throw new RefError(`invalid ref '${ref}': no known resource '${name ?? ''}'${didYouMean(name ?? '', resourceNames)}`);
  }
  if (root !== 'metadata' && root !== 'resources') {
    const suggestion = didYouMean(root ?? '', REFERENCE_ROOTS);
    throw new RefError(`invalid ref '${ref}': unknown reference root${suggestion ? ` '${root}'${suggestion}` : ', use $$ to escape the substitution'}`);
  }
}

/** The standard resolver: `metadata.<k>...` and `resources.<name>.<k>...`. */
export function workloadResolver(ctx: PlaceholderContext): RefResolver {
  const resourceNames = Object.keys(ctx.resources);
  return (ref, parts) => {
    checkRefShape(ref, parts, resourceNames);
    const [root, ...rest] = parts;
    if (root === 'metadata') {
      if (rest.length === 0) throw new RefError(`invalid ref '${ref}': requires at least a metadata key to lookup`);
      return lookupPath(ref, ctx.metadata, rest);
    }
    const [name, ...keys] = rest as [string, ...string[]];
    if (keys.length === 0) throw new RefError(`invalid ref '${ref}': at least one lookup key is required`);
    return lookupPath(ref, ctx.resources[name] ?? {}, keys);
  };
}

/**
 * The placeholder errors of a value that are known before anything is provisioned (unclosed `${`, an unknown root,
 * an undeclared resource), each at the path of its string: the load-time check, so that they are reported with
 * the Score file's other errors.
 */
export function placeholderShapeErrors(value: unknown, resourceNames: readonly string[], basePath: DocPath): Array<{ path: DocPath; message: string }> {
  const found: Array<{ path: DocPath; message: string }> = [];
  const visit = (v: unknown, path: DocPath): void => {
    if (typeof v === 'string') {
      try {
        substitute(v, (ref, parts) => {
          checkRefShape(ref, parts, resourceNames);
          return '';
        });
      } catch (err) {
        if (!(err instanceof RefError)) throw err;
        found.push({ path, message: err.message });
      }
    } else if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) visit(item, [...path, k]);
  };
  visit(value, basePath);
  return found;
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
