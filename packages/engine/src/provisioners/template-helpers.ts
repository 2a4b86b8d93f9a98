import type nunjucks from 'nunjucks';

/**
 * Builders for lists and maps, so that templates compute values instead of mutating them through
 * `{% set _ = list.push(x) %}`: `{% set ports = ports | append(p) %}` and `dict([[key, value], ...])`.
 * Both return new values and never change their arguments. Kept in their own module so that the environment
 * registers them with one call, wherever that environment lives.
 */

/** Keys that would reach an object's prototype through `merge` (Object.assign) rather than name a field. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A new list: `list` followed by `items`. */
export function append(list: unknown, ...items: unknown[]): unknown[] {
  if (!Array.isArray(list)) throw new Error(`append: expects a list, got ${describe(list)}`);
  return [...(list as unknown[]), ...items];
}

/** A map from `[key, value]` pairs (a later pair wins), as Python's `dict(pairs)`; `dict()` is an empty map. */
export function dict(pairs: unknown = []): Record<string, unknown> {
  if (!Array.isArray(pairs)) throw new Error(`dict: expects a list of [key, value] pairs, got ${describe(pairs)}`);
  const map: Record<string, unknown> = {};
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`dict: expects [key, value] pairs, got ${describe(pair)}`);
    const [key, value] = pair as [unknown, unknown];
    if (typeof key !== 'string') throw new Error(`dict: a key must be a string, got ${describe(key)}`);
    if (RESERVED_KEYS.has(key)) throw new Error(`dict: the key '${key}' is not allowed`);
    map[key] = value;
  }
  return map;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

export function registerTemplateHelpers(env: nunjucks.Environment): void {
  env.addFilter('append', append);
  env.addGlobal('dict', dict);
  env.addFilter('dict', dict);
}
