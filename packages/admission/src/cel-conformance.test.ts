// The CEL conformance suite shipped by @bufbuild/cel-spec, for the parts of the language CRD rules and
// admission policies use, run through the same environment (std + Kubernetes libraries) the checks use.
import { describe, expect, it } from 'vitest';
import { getConformanceSuite } from '@bufbuild/cel-spec/testdata/tests.js';
import type { IncrementalTest, IncrementalTestSuite } from '@bufbuild/cel-spec/testdata/tests.js';
import { evaluate } from './crd-rules';

const SECTIONS = [
  'basic/self_eval_zeroish', 'basic/self_eval_nonzeroish', 'comparisons/eq_literal', 'comparisons/ne_literal', 'comparisons/lt_literal',
  'comparisons/gt_literal', 'comparisons/lte_literal', 'comparisons/gte_literal', 'comparisons/in_list_literal', 'comparisons/in_map_literal',
  'logic/conditional', 'logic/AND', 'logic/OR', 'logic/NOT', 'macros/exists', 'macros/all', 'macros/exists_one', 'macros/map', 'macros/filter',
  'macros/nested', 'lists/concatenation', 'lists/index', 'lists/in', 'lists/size', 'string/size', 'string/starts_with', 'string/ends_with',
  'string/matches', 'string/concatenation', 'string/contains', 'string_ext/char_at', 'string_ext/index_of', 'string_ext/last_index_of',
  'string_ext/ascii_casing', 'string_ext/replace', 'string_ext/split', 'string_ext/substring', 'string_ext/trim', 'string_ext/join',
  'integer_math/int64_math', 'timestamps/duration_conversions', 'timestamps/duration_equality', 'timestamps/comparisons', 'fields/map_fields', 'fields/in',
];

function collect(s: IncrementalTestSuite, prefix: string, out: Map<string, IncrementalTest[]>): void {
  const path = prefix ? `${prefix}/${s.name}` : s.name;
  if (s.tests.length > 0) out.set(path.replace(/^conformance\//, ''), s.tests);
  for (const child of s.suites) collect(child, path, out);
}
const sections = new Map<string, IncrementalTest[]>();
collect(getConformanceSuite(), '', sections);

type Expected = { value: unknown } | { error: true };
/** The expectations this runner can compare: scalar values and "an evaluation error". */
function expected(t: IncrementalTest): Expected | undefined {
  const o = t.original;
  if (o.typeEnv.length > 0 || Object.keys(o.bindings).length > 0 || o.container !== '' || o.disableMacros || o.checkOnly) return undefined;
  const m = o.resultMatcher;
  if (m.case === 'evalError') return { error: true };
  if (m.case !== 'value' && m.case !== undefined) return undefined;
  const k = m.case === undefined ? { case: 'boolValue' as const, value: true } : m.value.kind;
  switch (k.case) {
    case 'boolValue':
    case 'stringValue':
    case 'doubleValue':
      return { value: k.value };
    case 'int64Value':
      return { value: BigInt(k.value) };
    default:
      return undefined;
  }
}

describe('CEL conformance (cel-spec, through the Kubernetes environment)', () => {
  it('has every selected section', () => {
    for (const s of SECTIONS) expect(sections.has(s), s).toBe(true);
  });
  for (const name of SECTIONS) {
    const cases = (sections.get(name) ?? []).flatMap((t) => {
      const e = expected(t);
      return e ? [{ t, e }] : [];
    });
    describe(name, () => {
      it.each(cases.map(({ t, e }) => [t.name, t.original.expr, e] as const))('%s: %s', (_n, expr, e) => {
        const r = evaluate(expr, {});
        if ('error' in e) expect('error' in r, JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(true);
        else expect(r).toEqual({ value: e.value });
      });
    });
  }
});
