/** Go RE2 regular expressions for ajv (`code.regExp`): unanchored `find`, Go syntax such as `(?i)`. */
import { RE2JS } from 're2js';

export interface RegExpLike {
  test(s: string): boolean;
}

export const RE2_MODULE_ID = 'score-nx-kubeconform:re2';

const cache = new Map<string, RegExpLike>();

export function re2(pattern: string): RegExpLike {
  let rx = cache.get(pattern);
  if (rx === undefined) {
    const compiled = RE2JS.compile(pattern);
    // ajv caches patterns under toString(); without a distinct one every pattern collapses onto the first.
    rx = { test: (s: string) => compiled.matcher(s).find(), toString: () => `re2:${pattern}` } as RegExpLike;
    cache.set(pattern, rx);
  }
  return rx;
}

/** ajv's RegExpEngine shape: a function carrying the code that standalone modules use to get it. */
export const re2Engine: ((pattern: string, u: string) => RegExpLike) & { code: string } = Object.assign(
  (pattern: string) => re2(pattern),
  { code: `require(${JSON.stringify(RE2_MODULE_ID)}).re2` },
);

/** Whether a pattern compiles under Go's regexp (RE2) syntax. */
export function isRe2(pattern: string): boolean {
  try {
    re2(pattern);
    return true;
  } catch {
    return false;
  }
}
