import { describe, expect, it } from 'vitest';
import { BAIL, fastParse } from './fast-yaml';
import { validateDocuments } from '../validator/validator';
import { parseYamlDocument, splitChunks } from './yaml-reader';
import { K8S_LOCATION } from '../test-support/run';

const value = (text: string) => {
  const r = parseYamlDocument(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('YAML 1.1 scalars as kubeconform reads them (spec §1.6)', () => {
  it.each([
    ['yes', true], ['Yes', true], ['y', true], ['Y', true], ['n', false], ['NO', false], ['on', true], ['off', false],
    ['0x10', 16], ['010', 8], ['0o10', 8], ['0b101', 5], ['1_000', 1000], ['+12', 12], ['1e3', 1000], ['3.0', 3], ['-0x10', -16], ['08', 8], ['.5', 0.5],
    ['2001-12-14', '2001-12-14'], ['2001-12-14T01:02:03Z', '2001-12-14T01:02:03Z'], ['12:30:00', '12:30:00'],
    ['~', null], ['null', null], ['', null], ['NaN', 'NaN'], ['0x', '0x'], ['-1', -1], ['"yes"', 'yes'], ["'010'", '010'], ['true # c', true],
  ])('v: %s', (src, expected) => {
    expect(value(`v: ${src}\n`)).toEqual({ v: expected });
  });

  it('resolves keys too: n: -> "false", on: -> "true", 1: -> "1"', () => {
    expect(value('n: a\non: b\n1: c\n0x10: d\n1.5: e\n')).toEqual({ false: 'a', true: 'b', '1': 'c', '16': 'd', '1.5': 'e' });
  });

  it('keys that collide after resolution: last wins, and strict sees a duplicate', () => {
    expect(parseYamlDocument('on: a\ny: b\n')).toEqual({ ok: true, value: { true: 'b' }, duplicates: ['line 2: key true already set in map'] });
  });

  it('.inf and .nan are reported in Go encoding order', () => {
    expect(parseYamlDocument('b: .nan\na: -.inf\n')).toEqual({
      ok: true,
      value: { b: NaN, a: -Infinity },
      duplicates: [],
      unsupported: 'error converting YAML to JSON: json: unsupported value: -Inf',
    });
  });

  it('literal blocks, quoted scalars, compact sequences and comments', () => {
    const src = `# head
a: |
  line1

  line2
b: |-
  x
c: "q\\tz\\u00e9"
d: 'it''s'
e:
- k: 1
  l: [] # empty
- - nested
f: {}
`;
    expect(value(src)).toEqual({ a: 'line1\n\nline2\n', b: 'x', c: 'q\tzé', d: "it's", e: [{ k: 1, l: [] }, ['nested']], f: {} });
  });

  it('literal blocks keep comment-looking lines and, with |+, trailing blank lines', () => {
    expect(value('a: |+\n  x\n  # not a comment\n\nb: 1\n')).toEqual({ a: 'x\n# not a comment\n\n', b: 1 });
    expect(value('l:\n  - |\n    one\n  - two\n')).toEqual({ l: ['one\n', 'two'] });
  });

  it('anchors, aliases and merge keys go through the full parser', () => {
    expect(value('base: &b {p: 1, q: 2}\nd:\n  <<: *b\n  q: 3\n')).toEqual({ base: { p: 1, q: 2 }, d: { p: 1, q: 3 } });
  });

  it('the fast path and the full parser agree on what the fast path accepts', () => {
    const docs = [
      'a: 1\nb:\n  - x\n  - y: [z]\n',
      'a:\n  b:\n    c: "d"\n  e: 010\n',
      'list:\n- a\n- b: c\n  d: e\n- |\n  lit\n',
      'k: v # comment\n"q k": w\n',
    ];
    for (const d of docs) {
      const fast = fastParse(d);
      const full = parseYamlDocument(d.replace(/^/, '--- !!map\n'));
      if (fast === BAIL) continue;
      expect(full).toEqual({ ok: true, value: fast.value, duplicates: [] });
    }
  });

  it('syntax errors use go-yaml phrasing', () => {
    expect(parseYamlDocument('a: [1, 2\n')).toEqual({ ok: false, error: "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'" });
  });
});

describe('splitting (k8s splitYAMLDocument)', () => {
  const texts = (s: string) => splitChunks(Buffer.from(s)).map((c) => c.text);
  it('cuts at lines starting with --- and drops the rest of that line', () => {
    expect(texts('a: 1\n--- trailing\nb: 2\n---\n')).toEqual(['a: 1', 'b: 2']);
    expect(texts('---\na: 1\n')).toEqual(['---\na: 1\n']);
    expect(texts('a: 1\n---\n\n---\nb: 1')).toEqual(['a: 1', '', 'b: 1']);
    expect(texts('a: 1\n--- x')).toEqual([]);
  });
});

describe('bad input never crashes: each is an error result with a message', () => {
  const opts = { kubernetesVersion: '1.33.0', schemaLocations: [K8S_LOCATION], compileCacheDir: false as const };
  const one = async (content: string | Buffer) => {
    const rs = await validateDocuments([{ file: 'f.yaml', content }], opts);
    return rs.map((r) => [r.status, r.msg]);
  };

  it('binary content', async () => {
    expect(await one(Buffer.from([0x00, 0x01, 0x02, 0x61, 0x3a, 0x20, 0x62, 0x0a]))).toEqual([
      ['error', 'error unmarshalling resource: error converting YAML to JSON: yaml: control characters are not allowed'],
    ]);
  });

  it('invalid UTF-8', async () => {
    expect(await one(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]))).toEqual([
      ['error', 'error unmarshalling resource: error converting YAML to JSON: yaml: invalid leading UTF-8 octet'],
    ]);
  });

  it('a 10 MB document', async () => {
    const big = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: [' + 'x'.repeat(10 * 1024 * 1024) + '\n';
    expect(await one(big)).toEqual([['error', "error unmarshalling resource: error converting YAML to JSON: yaml: line 5: did not find expected ',' or ']'"]]);
    const items = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: [' + 'x,'.repeat(5 * 1024 * 1024) + ']\n';
    expect(await one(items)).toEqual([['error', 'error unmarshalling resource: error converting YAML to JSON: yaml: document has more than 500000 flow nodes']]);
    const valid = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: ' + 'x'.repeat(10 * 1024 * 1024) + '\n';
    expect(await one(valid)).toEqual([['valid', '']]);
  });

  it('deeply nested YAML', async () => {
    const deep = 'a: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n';
    expect(await one(deep)).toEqual([['error', 'error unmarshalling resource: error converting YAML to JSON: yaml: exceeded max depth of 10000']]);
  });

  it('an alias bomb is bounded', async () => {
    let doc = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) doc += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(await one(doc)).toEqual([['error', 'error unmarshalling resource: error converting YAML to JSON: yaml: document contains excessive aliasing']]);
  });

  it('a recursive alias', async () => {
    expect(await one('a: &a [*a]\n')).toEqual([['error', "error unmarshalling resource: error converting YAML to JSON: yaml: anchor 'a' value contains itself"]]);
  });

  it('a scalar or a sequence document', async () => {
    expect(await one('hello\n')).toEqual([
      ['error', 'error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ]);
    expect(await one('- a\n')).toEqual([
      ['error', 'error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ]);
  });
});
