/**
 * Verdict and identity parity with kubeconform v0.7.0 on invalid and malformed input (issue 15).
 * Each expectation is kubeconform's own output (`-output json`), written down from the reference
 * binary; when that binary is present the same input is also run through it and compared.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir, sharedSchemasDir as schemasDir } from './test-support/paths';
import { kubeconform, tmpdir } from './test-support/run';

const ORACLE = path.join(schemasDir, 'oracle');
const CRDS = path.join(schemasDir, 'crds', '{{.Group}}', '{{.ResourceKind}}_{{.ResourceAPIVersion}}.json');
const BINARY = path.join(sharedDir, 'tools', 'kubeconform-v0.7.0', 'kubeconform');
const FLAGS = ['-kubernetes-version', '1.33.0', '-schema-location', ORACLE, '-schema-location', CRDS, '-output', 'json'];

const cm = (rest: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n${rest}`;
const so = (status: string) =>
  `apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: so\nspec:\n  scaleTargetRef:\n    name: web\n  triggers: []\nstatus:\n  ${status}\n`;
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const E = 'error unmarshalling resource: error converting YAML to JSON: ';
const META = 'struct { Name string "yaml:\\"name\\""; Namespace string "yaml:\\"namespace\\""; GenerateName string "yaml:\\"generateName\\"" }';

interface Result {
  filename?: string;
  kind: string;
  name: string;
  version: string;
  status: string;
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}
const invalid = (kind: string, name: string, version: string, schema: string, at: string, reason: string): Result => ({
  kind,
  name,
  version,
  status: 'statusInvalid',
  msg: `problem validating schema. Check JSON formatting: jsonschema validation failed with '${schema}#' - at '${at}': ${reason}`,
  validationErrors: [{ path: at, msg: reason }],
});
const error = (kind: string, name: string, version: string, msg: string): Result => ({ kind, name, version, status: 'statusError', msg });
const strictCm = () => `file://${ORACLE}/v1.33.0-standalone-strict/configmap-v1.json`;
const keda = () => `file://${schemasDir}/crds/keda.sh/scaledobject_v1alpha1.json`;

interface Case {
  name: string;
  file: string;
  content: string | Buffer;
  strict: boolean;
  /** Results kubeconform lists (Invalid and Error only, as -output json prints without -verbose). */
  expected: () => Result[];
  /** Deep flow nesting is parsed on a big-stack thread, which runs the built package (dist). */
  needsDist?: boolean;
}

const DIST_READER = path.resolve(__dirname, '../dist/yaml-reader.js');

const CASES: Case[] = [
  { name: 'a merge key then an explicit override is a duplicate under -strict', file: 'merge.yaml', strict: true, content: cm('data:\n  <<: {x: "1"}\n  x: "2"\n'), expected: () => [error('ConfigMap', 'cm', 'v1', `${E}yaml: unmarshal errors:\n  line 7: key "x" already set in map`)] },
  { name: 'the same override without -strict is valid', file: 'merge.yaml', strict: false, content: cm('data:\n  <<: {x: "1"}\n  x: "2"\n'), expected: () => [] },
  { name: '1e400 is out of float64 range, so a string', file: 'inf400.yaml', strict: true, content: cm('data:\n  a: 1e400\n'), expected: () => [] },
  { name: 'a %YAML directive before --- is a document of its own that does not parse', file: 'directive.yaml', strict: true, content: `%YAML 1.1\n---\n${cm('data:\n  a: b\n')}`, expected: () => [error('', '', '', `${E}yaml: line 1: did not find expected <document start>`)] },
  { name: 'two JSON objects on two lines: only the first is read', file: 'two.json', strict: true, content: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"},"data":{"a":1}}\n', expected: () => [] },
  { name: 'a plain key over 1,024 characters', file: 'longkey.yaml', strict: false, content: cm(`data:\n  ${'k'.repeat(1100)}: v\n`), expected: () => [error('', '', '', `${E}yaml: line 6: mapping values are not allowed in this context`)] },
  { name: 'a plain key of 1,020 characters is fine', file: 'key1020.yaml', strict: false, content: cm(`data:\n  ${'k'.repeat(1020)}: v\n`), expected: () => [] },
  { name: 'a uint64 map key cannot become a JSON key', file: 'uint64.yaml', strict: true, content: cm('data:\n  18446744073709551615: v\n'), expected: () => [error('', '', '', `${E}unsupported map key of type: uint64, key: 0xffffffffffffffff, value: "v"`)] },
  { name: 'an int64 map key is a string key', file: 'int64.yaml', strict: true, content: cm('data:\n  9223372036854775807: v\n'), expected: () => [] },
  { name: 'UTF-16 with a byte order mark is decoded', file: 'utf16.yaml', strict: true, content: utf16(cm('data:\n  a: 5\n')), expected: () => [invalid('ConfigMap', 'cm', 'v1', strictCm(), '/data/a', 'got number, want null or string')] },
  { name: 'Draft 4 asserts date-time on a CRD (a leap second passes)', file: 'leap.yaml', strict: true, content: so("lastActiveTime: '2016-12-31T23:59:60Z'"), expected: () => [] },
  { name: 'Draft 4 date-time reason', file: 'time.yaml', strict: true, content: so("lastActiveTime: 'not-a-time'"), expected: () => [invalid('ScaledObject', 'so', 'keda.sh/v1alpha1', keda(), '/status/lastActiveTime', "'not-a-time' is not valid date-time: less than 20 characters long")] },
  { name: 'a capitalised Kind: is the kind (Go decodes keys case-insensitively); valid without -strict', file: 'capkind.yaml', strict: false, content: 'apiVersion: v1\nKind: ConfigMap\nmetadata:\n  name: cm\n', expected: () => [] },
  { name: 'a capitalised Kind: under -strict is an unknown property of the named kind', file: 'capkind.yaml', strict: true, content: 'apiVersion: v1\nKind: ConfigMap\nmetadata:\n  name: cm\n', expected: () => [invalid('ConfigMap', 'cm', 'v1', strictCm(), '', "additional properties 'Kind' not allowed")] },
  { name: 'kind and KIND: the lower-case key sorts last and wins', file: 'kindboth.yaml', strict: true, content: 'apiVersion: v1\nkind: ConfigMap\nKIND: Secret\nmetadata:\n  name: cm\n', expected: () => [invalid('ConfigMap', 'cm', 'v1', strictCm(), '', "additional properties 'KIND' not allowed")] },
  { name: 'missing apiVersion keeps kind and name', file: 'noapi.yaml', strict: true, content: 'kind: ConfigMap\nmetadata:\n  name: cm\n', expected: () => [error('ConfigMap', 'cm', '', "error while parsing: missing 'apiVersion' key")] },
  { name: 'a duplicate key keeps kind and name', file: 'dup.yaml', strict: true, content: cm('data:\n  a: b\n  a: c\n'), expected: () => [error('ConfigMap', 'cm', 'v1', `${E}yaml: unmarshal errors:\n  line 7: key "a" already set in map`)] },
  { name: 'name: 123 is the name "123"', file: 'name123.yaml', strict: true, content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n', expected: () => [invalid('ConfigMap', '123', 'v1', strictCm(), '/metadata/name', 'got number, want null or string')] },
  { name: 'kind: 5 is the kind "5"', file: 'kind5.yaml', strict: true, content: 'apiVersion: v1\nkind: 5\nmetadata:\n  name: cm\n', expected: () => [error('5', 'cm', 'v1', 'could not find schema for 5')] },
  { name: 'kind: 1.1 and a large integer name print as Go does', file: 'kindf.yaml', strict: true, content: 'apiVersion: v1\nkind: 1.1\nmetadata:\n  name: 16777217\n', expected: () => [error('1.1', '16777217', 'v1', 'could not find schema for 1.1')] },
  { name: 'metadata: oops is a decode error that keeps kind and version', file: 'mdoops.yaml', strict: true, content: 'apiVersion: v1\nkind: ConfigMap\nmetadata: oops\n', expected: () => [error('ConfigMap', '', 'v1', `error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field .Metadata of type ${META}`)] },
  { name: 'a sequence as kind is a decode error', file: 'kindarr.yaml', strict: true, content: 'apiVersion: v1\nkind: [a]\nmetadata:\n  name: {a: 1}\n', expected: () => [error('', '', 'v1', 'error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .Kind of type string')] },
  { name: 'a sequence as name is a decode error naming .Metadata.Name', file: 'namearr.yaml', strict: true, content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [1]\n', expected: () => [error('ConfigMap', '', 'v1', 'error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .Metadata.Name of type string')] },
  { name: 'flow nesting of 5,000 levels is read, as go-yaml does', file: 'flow5000.yaml', strict: true, content: cm(`data:\n  a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), needsDist: true, expected: () => [invalid('ConfigMap', 'cm', 'v1', strictCm(), '/data/a', 'got array, want null or string')] },
  { name: 'flow nesting that passes go-yaml but not encoding/json (depth 10,000)', file: 'flow9999.yaml', strict: true, content: cm(`data:\n  a: ${'['.repeat(9999)}${']'.repeat(9999)}\n`), needsDist: true, expected: () => [error('', '', '', "error unmarshalling resource: error unmarshaling JSON: while decoding JSON: invalid character '[' exceeded max depth")] },
  { name: 'too deep on the first line: go-yaml names no line', file: 'top.yaml', strict: true, content: `${'['.repeat(10001)}${']'.repeat(10001)}\n`, expected: () => [error('', '', '', `${E}yaml: exceeded max depth of 10000`)] },
  { name: 'flow nesting beyond 10,000 levels', file: 'flow10001.yaml', strict: true, content: cm(`data:\n  a: ${'['.repeat(10001)}${']'.repeat(10001)}\n`), expected: () => [error('', '', '', `${E}yaml: line 6: exceeded max depth of 10000`)] },
];

/** A CRD-style schema (no $schema, so Draft 4 asserts formats) written into each test folder. */
const WIDGET_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { spec: { type: 'object', properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' }, d: { type: 'string', format: 'date' }, host: { type: 'string', format: 'hostname' }, ip: { type: 'string', format: 'ipv4' }, uri: { type: 'string', format: 'uri' }, dur: { type: 'string', format: 'duration' } } } },
});
const WIDGET_LOCATION = ['-schema-location', 's/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json', '-output', 'json'];
const widget = (field: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  ${field}\n`;
/** [spec field, v6's reason or undefined for valid], each checked against kubeconform v0.7.0. */
const FORMAT_CASES: [string, string | undefined][] = [
  ['email: a..b@c.d', 'consecutive dots'],
  ['email: .a@c.d', 'starts with dot'],
  ['email: a.@c.d', 'ends with dot'],
  ["email: 'a b@c.d'", "invalid character ' '"],
  ["email: 'a@-b.c'", 'invalid domain: label starts with hyphen'],
  ["email: 'a@[1.2.3.04]'", 'invalid ipv4 address: leading zeros'],
  ["email: 'a@b'", undefined],
  ['at: 2016-12-31T23:59:60Z', undefined],
  ['at: 2016-12-31T22:59:60-01:00', undefined],
  ['at: 2016-12-31T23:59:60+01:00', 'invalid time element: invalid leap second'],
  ['at: 2021-02-29T00:00:00Z', 'invalid date element: parsing time "2021-02-29": day out of range'],
  ['at: 2021-01-01T00:00:00.Z', 'invalid time element: no digits in second fraction'],
  ['at: 2021-01-01T00:00:00+0100', 'invalid time element: offset must be 6 characters long'],
  ['d: 2021-13-01', 'parsing time "2021-13-01": month out of range'],
  ['d: 2021/01/01', 'parsing time "2021/01/01" as "2006-01-02": cannot parse "/01/01" as "-"'],
  ['d: 2021-01-011', 'parsing time "2021-01-011": extra text: "1"'],
  ['host: a_b.com', "invalid character '_'"],
  ['host: a-.com', 'label ends with hyphen'],
  ['host: a..b', 'label must be 1 to 63 characters long'],
  ['ip: 01.2.3.4', 'leading zeros'],
  ['ip: 1.2.3.x', 'strconv.Atoi: parsing "x": invalid syntax'],
  ['ip: 1.2.3.256', 'decimal must be between 0 and 255'],
  ['uri: //x', 'relative url'],
  ['dur: 1h30m', undefined],
  ['dur: P1DT1H1M1S', undefined],
  ['dur: PT', 'no time elements'],
  ['dur: 1x', 'must start with P'],
  ['dur: P1M1Y', "unit 'Y' out of order"],
  ['dur: PT1D', "invalid unit 'D'"],
];

function formatExpectation(field: string, reason: string | undefined): Result[] {
  if (reason === undefined) return [];
  const [key, raw] = field.split(': ') as [string, string];
  const value = raw.replace(/^'(.*)'$/, '$1');
  return [invalid('Widget', 'w', 'example.com/v1', 'file://<dir>/s/example.com/widget_v1.json', `/spec/${key}`, `'${value}' is not valid ${{ email: 'email', at: 'date-time', d: 'date', host: 'hostname', ip: 'ipv4', uri: 'uri', dur: 'duration' }[key]}: ${reason}`)];
}

function formatDir(field: string): string {
  return tmpdir({ 's/example.com/widget_v1.json': WIDGET_SCHEMA, 'w.yaml': widget(field) });
}

const withDir = (rs: Result[], dir: string) => JSON.parse(JSON.stringify(rs).replaceAll('<dir>', dir)) as Result[];

describe('Draft 4 format assertions and reasons (v6)', () => {
  for (const [field, reason] of FORMAT_CASES) {
    it(`${field} -> ${reason ?? 'valid'}`, async () => {
      const dir = formatDir(field);
      const ours = await kubeconform([...WIDGET_LOCATION, 'w.yaml'], { cwd: dir });
      expect(parse(ours.stdout)).toEqual(withDir(formatExpectation(field, reason), dir));
    });
  }
});

const haveSchemas = fs.existsSync(ORACLE);
const haveBinary = fs.existsSync(BINARY);

function parse(stdout: string): Result[] {
  return (JSON.parse(stdout) as { resources: Result[] }).resources.map(({ filename: _f, ...r }) => r);
}

describe.skipIf(!haveSchemas)(`verdict and identity parity (needs ${ORACLE})`, () => {
  for (const c of CASES) {
    it.skipIf(c.needsDist === true && !fs.existsSync(DIST_READER))(c.name, async () => {
      const dir = tmpdir({ [c.file]: c.content });
      const argv = [...(c.strict ? ['-strict'] : []), ...FLAGS, c.file];
      const ours = await kubeconform(argv, { cwd: dir });
      const expected = c.expected();
      expect(parse(ours.stdout)).toEqual(expected);
      expect(ours.code).toBe(expected.length > 0 ? 1 : 0);
    });
  }
});

describe.skipIf(!haveBinary)(`the format expectations are kubeconform's (needs ${BINARY})`, () => {
  for (const [field, reason] of FORMAT_CASES) {
    it(`${field} -> ${reason ?? 'valid'}`, () => {
      const dir = formatDir(field);
      const r = spawnSync(BINARY, [...WIDGET_LOCATION, 'w.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(parse(r.stdout)).toEqual(withDir(formatExpectation(field, reason), dir));
    });
  }
});

describe.skipIf(!haveSchemas || !haveBinary)(`the expectations are kubeconform's (needs ${BINARY})`, () => {
  for (const c of CASES) {
    it(c.name, () => {
      const dir = tmpdir({ [c.file]: c.content });
      const argv = [...(c.strict ? ['-strict'] : []), ...FLAGS, c.file];
      const r = spawnSync(BINARY, argv, { cwd: dir, encoding: 'utf8' });
      expect(parse(r.stdout)).toEqual(c.expected());
    });
  }
});
