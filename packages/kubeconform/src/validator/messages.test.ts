/**
 * Message parity (issue 15): each message kind with kubeconform v0.7.0's exact text. Expectations were
 * taken from the reference binary; when it is present, each row is checked against it again (causes
 * compared as a set, since v6's order changes from run to run).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../test-support/paths';
import { kubeconform, tmpdir } from '../test-support/run';

const BINARY = path.join(sharedDir, 'tools', 'kubeconform-v0.7.0', 'kubeconform');
const haveBinary = fs.existsSync(BINARY);

// A CRD-style (Draft 4) schema with one property per keyword.
const SCHEMA = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        e1: { enum: ['Deployment'] },
        e2: { enum: ['a', 'b', 3, true] },
        c1: { const: 'x' },
        p1: { type: 'string', pattern: "^[a-z]\\d'\"$" },
        mx: { type: 'number', maximum: 10 },
        mn: { type: 'number', minimum: 5000000 },
        xmx: { type: 'number', maximum: 10, exclusiveMaximum: true },
        mo: { type: 'number', multipleOf: 3 },
        ml: { type: 'string', minLength: 3 },
        xl: { type: 'string', maxLength: 1 },
        an: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        al: { allOf: [{ type: 'string' }, { minLength: 2 }] },
        ui: { type: 'array', uniqueItems: true },
        mi: { type: 'array', minItems: 2 },
        mp: { type: 'object', maxProperties: 1 },
        dep: { type: 'object', dependencies: { a: ['b', 'c'] } },
        te: { type: 'string', enum: ['a'] },
        ai: { type: 'array', items: [{ type: 'string' }], additionalItems: false },
        obj: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['c'] },
      },
    },
  },
};
const LOCATION = ['-schema-location', 's/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'];
const thing = (field: string) => `apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\nspec:\n  ${field}\n`;

/** [spec field, the text after "jsonschema validation failed with '<url>#' "; '' = valid]. */
const KEYWORDS: [string, string][] = [
  ['e1: Foo', "- at '/spec/e1': value must be 'Deployment'"],
  ['e2: x', "- at '/spec/e2': value must be one of 'a', 'b', 3, true"],
  ['c1: y', ''], // const is not a Draft 4 keyword: v6 ignores it
  ['p1: nope', `- at '/spec/p1': 'nope' does not match pattern '^[a-z]\\\\d\\'"$'`],
  ['mx: 11.5', "- at '/spec/mx': maximum: got 11.5, want 10"],
  ['mx: 123456', "- at '/spec/mx': maximum: got 123,456, want 10"],
  ['mx: 1000000', "- at '/spec/mx': maximum: got 1×10⁰⁶, want 10"],
  ['mx: 123456789', "- at '/spec/mx': maximum: got 1.23456789×10⁰⁸, want 10"],
  ['mx: 1e21', "- at '/spec/mx': maximum: got 1×10²¹, want 10"],
  ['mn: 0.00001', "- at '/spec/mn': minimum: got 1×10⁻⁰⁵, want 5×10⁰⁶"],
  ['mn: 0.0001', "- at '/spec/mn': minimum: got 0.0001, want 5×10⁰⁶"],
  ['mn: -1234567', "- at '/spec/mn': minimum: got -1.234567×10⁰⁶, want 5×10⁰⁶"],
  ['xmx: 10', "- at '/spec/xmx': exclusiveMaximum: got 10, want 10"],
  ['mo: 4', "- at '/spec/mo': multipleOf: got 4, want 3"],
  ['ml: ab', "- at '/spec/ml': minLength: got 2, want 3"],
  ['xl: abc', "- at '/spec/xl': maxLength: got 3, want 1"],
  ['an: 1.5', "- at '/spec/an': anyOf failed   - at '/spec/an': got number, want string   - at '/spec/an': got number, want integer"],
  ['al: 5', "- at '/spec/al': allOf failed   - at '/spec/al': got number, want string"],
  ['al: x', "- at '/spec/al': allOf failed   - at '/spec/al': minLength: got 1, want 2"],
  ['ui: [1, 1]', "- at '/spec/ui': items at 0 and 1 are equal"],
  ['mi: [1]', "- at '/spec/mi': minItems: got 1, want 2"],
  ['mp: {a: 1, b: 2}', "- at '/spec/mp': maxProperties: got 2, want 1"],
  ['dep: {a: 1}', "- at '/spec/dep': properties 'b', 'c' required, if 'a' exists"],
  ['te: 5', "- at '/spec/te': got number, want string"], // a failed type stops the node: no enum error
  ['ai: [a, b, c]', "- at '/spec/ai': last 2 additionalItem(s) not allowed"],
  // Two failures under /spec/obj form a group, the root's only failure, so v6 lists its causes.
  ['obj: {a: 1}', "- at '/spec/obj': missing property 'c' - at '/spec/obj/a': got number, want string"],
];

/** [name, document, kubeconform's text line] for go-yaml's syntax errors. */
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
const E = 'c.yaml - failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: ';
const SYNTAX: [string, string | Buffer, string][] = [
  ['unclosed flow sequence', `${CM}data:\n  a: [1, 2\n  b: x\n`, `${E}line 6: did not find expected ',' or ']'`],
  ['unclosed flow mapping', `${CM}data: {a: b\n`, `${E}line 5: did not find expected ',' or '}'`],
  ['a tab as indentation', `${CM}data:\n\ta: b\n`, `${E}line 6: found character that cannot start any token`],
  ['a deeper line after a value', `${CM}data:\n  a: b\n   c: d\n`, `${E}line 7: mapping values are not allowed in this context`],
  ['a shallower line in a mapping', `${CM}data:\n    a: b\n  c: d\n`, `${E}line 6: did not find expected key`],
  ['a second value on one line', `${CM}data:\n  a: b: c\n`, `${E}line 6: mapping values are not allowed in this context`],
  ['a sequence item after a mapping', `${CM}data:\n  a: b\n- c\n`, `${E}line 6: did not find expected key`],
  ['an unclosed double quote', `${CM}data:\n  a: "unclosed\n`, `${E}line 7: found unexpected end of stream`],
  ["an unclosed single quote", `${CM}data:\n  a: 'unclosed\n`, `${E}line 7: found unexpected end of stream`],
  ['a key without its colon', `${CM}data:\n  a: |\n  b\n`, `${E}line 8: could not find expected ':'`],
  ['an unknown alias', `${CM}data:\n  a: *nope\n`, `${E}unknown anchor 'nope' referenced`],
  ['an invalid leading UTF-8 byte', Buffer.concat([Buffer.from(`${CM}data:\n  a: `), Buffer.from([0xff, 0xfe]), Buffer.from(' bad\n')]), `${E}invalid leading UTF-8 octet`],
  ['an invalid trailing UTF-8 byte', Buffer.from([0xc3, 0x28, 0x0a]), `${E}invalid trailing UTF-8 octet`],
];

/** The text after the schema URL, causes sorted, for comparing with kubeconform's run-dependent order. */
function causeSet(line: string): string[] {
  const tail = line.replace(/^.*?jsonschema validation failed with '[^']*#' /, '');
  return tail === '' ? [] : tail.split(/ (?=- at )/).map((s) => s.trim()).sort();
}

function keywordDir(field: string): string {
  return tmpdir({ 's/example.com/thing_v1.json': JSON.stringify(SCHEMA), 't.yaml': thing(field) });
}

describe('v6 message kinds, exact kubeconform texts', () => {
  for (const [field, expected] of KEYWORDS) {
    it(`${field} -> ${expected === '' ? 'valid' : expected}`, async () => {
      const dir = keywordDir(field);
      const r = await kubeconform([...LOCATION, 't.yaml'], { cwd: dir });
      const prefix = `t.yaml - Thing t is invalid: problem validating schema. Check JSON formatting: jsonschema validation failed with 'file://${dir}/s/example.com/thing_v1.json#' `;
      expect(r.stdout).toBe(expected === '' ? '' : `${prefix}${expected}\n`);
      expect(r.code).toBe(expected === '' ? 0 : 1);
    });
  }
  for (const [name, doc, expected] of SYNTAX) {
    it(`go-yaml text: ${name}`, async () => {
      const dir = tmpdir({ 'c.yaml': doc });
      const r = await kubeconform(['-schema-location', 'none/{{.ResourceKind}}.json', 'c.yaml'], { cwd: dir });
      expect(r).toEqual({ code: 1, stdout: `${expected}\n`, stderr: '' });
    });
  }
});

describe.skipIf(!haveBinary)(`the message table is kubeconform's (needs ${BINARY})`, () => {
  for (const [field, expected] of KEYWORDS) {
    it(`${field}`, () => {
      const dir = keywordDir(field);
      const r = spawnSync(BINARY, [...LOCATION, 't.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(causeSet(r.stdout.trim())).toEqual(causeSet(expected === '' ? '' : `x jsonschema validation failed with 'u#' ${expected}`));
    });
  }
  for (const [name, doc, expected] of SYNTAX) {
    it(`go-yaml text: ${name}`, () => {
      const dir = tmpdir({ 'c.yaml': doc });
      const r = spawnSync(BINARY, ['-schema-location', 'none/{{.ResourceKind}}.json', 'c.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(r.stdout).toBe(`${expected}\n`);
    });
  }
});
