/** Go RE2 regular expressions for ajv (`code.regExp`): unanchored `find`, Go syntax such as `(?i)`. */
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the module is loaded lazily
type Re2Module = typeof import('re2js');
let re2Module: Re2Module | undefined;
/** re2js (~5 MiB of heap) is loaded when a pattern is first compiled, not by every thread that loads a validator. */
function re2js(): Re2Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2Module ??= require('re2js') as Re2Module;
  return re2Module;
}

export interface RegExpLike {
  test(s: string): boolean;
}

export const RE2_MODULE_ID = 'score-nx-kubeconform:re2';

const cache = new Map<string, RegExpLike>();

function compile(pattern: string): (s: string) => boolean {
  const compiled = re2js().RE2JS.compile(pattern);
  return (s: string) => compiled.matcher(s).find();
}

/** A Go regular expression; throws for a pattern Go's regexp would reject. */
export function re2(pattern: string): RegExpLike {
  let rx = cache.get(pattern);
  if (rx === undefined) {
    const test = compile(pattern);
    // ajv caches patterns under toString(); without a distinct one every pattern collapses onto the first.
    rx = { test, toString: () => `re2:${pattern}` } as RegExpLike;
    cache.set(pattern, rx);
  }
  return rx;
}

/**
 * The patterns of compiled validators, which create all of them when they load: compilation waits
 * for the first test. ajv checked each with re2() when it generated the code.
 */
export function re2Lazy(pattern: string): RegExpLike {
  let test: ((s: string) => boolean) | undefined;
  return { test: (s: string) => (test ??= re2(pattern).test)(s), toString: () => `re2:${pattern}` } as RegExpLike;
}

/** ajv's RegExpEngine shape: a function carrying the code that standalone modules use to get it. */
export const re2Engine: ((pattern: string, u: string) => RegExpLike) & { code: string } = Object.assign(
  (pattern: string) => re2(pattern),
  { code: `require(${JSON.stringify(RE2_MODULE_ID)}).re2Lazy` },
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
