import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createScoreValidator, createValidatorFor, scoreSchema } from './score-schema';
import type { ScoreSchemaError } from './score-schema';

// The official Score schema and sample are test oracles only; they live outside the repository, beside the clone
// (packages/engine/src/score -> repo root -> ../shared, or SCORE_NX_SHARED_DIR). Without them the conformance suite
// is skipped, saying so; the message tests below need no oracle.
const REPO_ROOT = path.resolve(__dirname, '../../../..');
const ORACLE_DIR = path.join(path.resolve(REPO_ROOT, process.env['SCORE_NX_SHARED_DIR'] ?? '../shared'), 'score-spec');
const oracleMissing = existsSync(path.join(ORACLE_DIR, 'score-full.yaml')) ? false : `skipped: ${ORACLE_DIR} is absent (the official Score schema and sample)`;

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fullSample = oracleMissing ? ({} as Doc) : (parse(readFileSync(path.join(ORACLE_DIR, 'score-full.yaml'), 'utf8')) as Doc);
const officialValidate = oracleMissing
  ? () => false
  : new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(ORACLE_DIR, 'score-v1b1.json'), 'utf8')) as object);
const validate = createScoreValidator();

const minimal = (): Doc => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'my-app' },
  containers: { main: { image: 'nginx:1.27' } },
});
const full = (): Doc => structuredClone(fullSample);

/** Mutates a fresh copy of a base document. */
const from =
  (base: () => Doc) =>
  (mutate: (doc: Doc) => void): Doc => {
    const doc = base();
    mutate(doc);
    return doc;
  };
const fromFull = from(full);
const fromMin = from(minimal);
const withContainer = (extra: Doc): Doc => fromMin((d) => Object.assign(d.containers.main, extra));
const withResource = (resource: unknown): Doc => fromMin((d) => (d.resources = { db: resource }));
const withPort = (port: unknown): Doc => fromMin((d) => (d.service = { ports: { web: port } }));
const withProbe = (probe: unknown): Doc => withContainer({ livenessProbe: probe });
const withFile = (file: unknown): Doc => withContainer({ files: { '/etc/app.conf': file } });
const withVolume = (volume: unknown): Doc => withContainer({ volumes: { '/data': volume } });
const withLimits = (limits: unknown): Doc => withContainer({ resources: { limits } });

interface Variant {
  name: string;
  doc: unknown;
  valid: boolean;
}

const ok = (name: string, doc: unknown): Variant => ({ name, doc, valid: true });
const bad = (name: string, doc: unknown): Variant => ({ name, doc, valid: false });

const variants: Variant[] = oracleMissing ? [] : [
  // ---- accepted documents -------------------------------------------------
  ok('official full sample', full()),
  ok('minimal workload', minimal()),
  ok('metadata with extra keys (metadata is open)', fromMin((d) => (d.metadata.team = { owner: 'x' }))),
  ok('two-character workload name', fromMin((d) => (d.metadata.name = 'ab'))),
  ok('63-character container name', fromMin((d) => (d.containers = { ['a'.repeat(63)]: { image: 'x' } }))),
  ok('empty service', fromMin((d) => (d.service = {}))),
  ok('service with empty ports', fromMin((d) => (d.service = { ports: {} }))),
  ok('empty resources map', fromMin((d) => (d.resources = {}))),
  ok('port bounds 1 and 65535', withPort({ port: 1, targetPort: 65535, protocol: 'UDP' })),
  ok('cpu and memory quantities', withContainer({ resources: { limits: { cpu: '250m', memory: '1.5Gi' }, requests: { cpu: '0.5', memory: '0.5' } } })),
  ok('exec-only probe', withProbe({ exec: { command: ['true'] } })),
  ok('httpGet-only probe with empty path', withProbe({ httpGet: { port: 80, path: '' } })),
  ok('file with binaryContent and noExpand', withFile({ binaryContent: 'AAE=', noExpand: true, mode: '644' })),
  ok('empty files and volumes maps', withContainer({ files: {}, volumes: {} })),
  ok('volume with empty source (no length limit upstream)', withVolume({ source: '' })),
  ok('deprecated array form of files', withContainer({ files: [{ target: '/etc/x', content: 'x' }] })),
  ok('deprecated array form of files without target', withContainer({ files: [{ source: 'x.txt' }] })),
  ok('deprecated array form of volumes', withContainer({ volumes: [{ source: 'data', target: '/data', readOnly: true }] })),
  ok('variables with empty value and odd name', withContainer({ variables: { 'weird.name-1': '' } })),
  ok('empty command and args', withContainer({ command: [], args: [] })),
  ok('before with ready state', fromMin((d) => (d.containers.init = { image: 'x', before: { main: { ready: 'complete' } } }))),
  ok('resource with dotted id, class and arbitrary params', withResource({ type: 'postgres', class: 'HA', id: 'a.b-c.d--e', params: { x: [1, { y: null }] } })),
  ok('annotation key of exactly 316 characters', fromMin((d) => (d.metadata.annotations = { [`${'ab.'.repeat(103)}ab/keyz`]: 'v' }))),
  ok('resource metadata with extra keys', withResource({ type: 'redis', metadata: { other: 1, annotations: { 'ex-1.example.com/c_d.e': 'v' } } })),

  // ---- top level ----------------------------------------------------------
  bad('missing apiVersion', fromFull((d) => delete d.apiVersion)),
  bad('missing metadata', fromFull((d) => delete d.metadata)),
  bad('missing containers', fromFull((d) => delete d.containers)),
  bad('wrong apiVersion', fromFull((d) => (d.apiVersion = 'score.dev/v1b2'))),
  bad('apiVersion with trailing newline', fromMin((d) => (d.apiVersion = 'score.dev/v1b1\n'))),
  bad('non-string apiVersion', fromMin((d) => (d.apiVersion = 1))),
  bad('unknown top-level key', fromFull((d) => (d.extras = {}))),
  bad('document is an array', [minimal()]),
  bad('document is a string', 'score.dev/v1b1'),

  // ---- metadata -----------------------------------------------------------
  bad('missing metadata.name', fromFull((d) => delete d.metadata.name)),
  bad('uppercase workload name', fromMin((d) => (d.metadata.name = 'My-App'))),
  bad('workload name starting with a dash', fromMin((d) => (d.metadata.name = '-app'))),
  bad('one-character workload name', fromMin((d) => (d.metadata.name = 'a'))),
  bad('64-character workload name', fromMin((d) => (d.metadata.name = 'a'.repeat(64)))),
  bad('numeric workload name', fromMin((d) => (d.metadata.name = 42))),
  bad('non-string annotation value', fromMin((d) => (d.metadata.annotations = { key: 1 }))),
  bad('annotation key starting with a dash', fromMin((d) => (d.metadata.annotations = { '-key': 'v' }))),
  bad('annotation prefix with a one-character label', fromMin((d) => (d.metadata.annotations = { 'a.example.com/key': 'v' }))),
  bad('annotation key longer than 316 characters', fromMin((d) => (d.metadata.annotations = { [`${'ab.'.repeat(105)}ab/key`]: 'v' }))),

  // ---- containers ---------------------------------------------------------
  bad('empty containers', fromFull((d) => (d.containers = {}))),
  bad('containers as an array', fromMin((d) => (d.containers = [{ image: 'x' }]))),
  bad('missing image', fromFull((d) => delete d.containers['container-one1'].image)),
  bad('empty image', withContainer({ image: '' })),
  bad('numeric image', withContainer({ image: 5 })),
  bad('unknown container key', fromFull((d) => (d.containers['container-one1'].imagee = 'x'))),
  bad('uppercase container name', fromMin((d) => (d.containers = { Web: { image: 'x' } }))),
  bad('one-character container name', fromMin((d) => (d.containers = { w: { image: 'x' } }))),
  bad('command as a string', withContainer({ command: '/bin/sh' })),
  bad('args with a number', withContainer({ args: ['--port', 8080] })),
  bad('variable with numeric value', withContainer({ variables: { PORT: 8080 } })),
  bad('variable name containing =', withContainer({ variables: { 'A=B': 'x' } })),
  bad('before with unknown ready state', withContainer({ before: { other: { ready: 'done' } } })),
  bad('before without ready', withContainer({ before: { other: {} } })),
  bad('before with invalid container name', withContainer({ before: { Other: { ready: 'started' } } })),

  // ---- container resources ------------------------------------------------
  bad('cpu with fractional millis', withLimits({ cpu: '1.5m' })),
  bad('negative cpu', withLimits({ cpu: '-1' })),
  bad('numeric cpu', withLimits({ cpu: 1 })),
  bad('zero memory', withLimits({ memory: '0' })),
  bad('memory with bad unit', withLimits({ memory: '10GB' })),
  bad('memory without leading digit', withLimits({ memory: '.5Gi' })),
  bad('unknown key in limits', withLimits({ gpu: '1' })),
  bad('unknown key in container resources', withContainer({ resources: { limit: {} } })),

  // ---- files and volumes --------------------------------------------------
  bad('file with both content and source', withFile({ content: 'x', source: 'x.txt' })),
  bad('file with content, binaryContent and source', withFile({ content: 'x', binaryContent: 'eA==', source: 'x.txt' })),
  bad('file with no content origin', withFile({ mode: '0600' })),
  bad('map-form file with target', withFile({ target: '/x', content: 'x' })),
  bad('file mode not octal', withFile({ content: 'x', mode: '0999' })),
  bad('file with empty source', withFile({ source: '' })),
  bad('file with non-boolean noExpand', withFile({ content: 'x', noExpand: 'yes' })),
  bad('file with unknown key', withFile({ content: 'x', owner: 'root' })),
  bad('array-form file without content origin', withContainer({ files: [{ target: '/x' }] })),
  bad('array-form file with empty target', withContainer({ files: [{ target: '', content: 'x' }] })),
  bad('files as a string', withContainer({ files: '/etc/x' })),
  bad('volume without source', fromFull((d) => delete d.containers['container-one1'].volumes['/mnt/something'].source)),
  bad('volume with numeric source', withVolume({ source: 1 })),
  bad('map-form volume with target', withVolume({ source: 'data', target: '/data' })),
  bad('volume with unknown key', withVolume({ source: 'data', mode: 'rw' })),
  bad('volume with string readOnly', withVolume({ source: 'data', readOnly: 'true' })),
  bad('array-form volume without source', withContainer({ volumes: [{ target: '/data' }] })),

  // ---- probes -------------------------------------------------------------
  bad('probe with neither httpGet nor exec', withProbe({})),
  bad('probe with unknown key', withProbe({ exec: { command: ['true'] }, tcpSocket: { port: 80 } })),
  bad('httpGet without path', withProbe({ httpGet: { port: 80 } })),
  bad('httpGet without port', withProbe({ httpGet: { path: '/' } })),
  bad('httpGet with port 0', withProbe({ httpGet: { port: 0, path: '/' } })),
  bad('httpGet with lowercase scheme', withProbe({ httpGet: { port: 80, path: '/', scheme: 'http' } })),
  bad('httpGet with empty host', withProbe({ httpGet: { port: 80, path: '/', host: '' } })),
  bad('http header name with a space', withProbe({ httpGet: { port: 80, path: '/', httpHeaders: [{ name: 'X Y', value: 'v' }] } })),
  bad('http header with empty value', withProbe({ httpGet: { port: 80, path: '/', httpHeaders: [{ name: 'X', value: '' }] } })),
  bad('http header without value', withProbe({ httpGet: { port: 80, path: '/', httpHeaders: [{ name: 'X' }] } })),
  bad('exec without command', withProbe({ exec: {} })),
  bad('exec command as a string', withProbe({ exec: { command: 'true' } })),

  // ---- service ------------------------------------------------------------
  bad('unknown key in service', fromFull((d) => (d.service.type = 'LoadBalancer'))),
  bad('port without port number', withPort({ targetPort: 80 })),
  bad('port number 0', withPort({ port: 0 })),
  bad('port number 65536', withPort({ port: 65536 })),
  bad('port number as a string', withPort({ port: '80' })),
  bad('fractional port number', withPort({ port: 80.5 })),
  bad('targetPort 0', withPort({ port: 80, targetPort: 0 })),
  bad('unknown protocol', withPort({ port: 80, protocol: 'SCTP' })),
  bad('unknown key in port', fromFull((d) => (d.service.ports['port-one'].name = 'x'))),
  bad('invalid port name', fromMin((d) => (d.service = { ports: { Web: { port: 80 } } }))),

  // ---- resources ----------------------------------------------------------
  bad('resource without type', fromFull((d) => delete d.resources['resource-two2'].type)),
  bad('resource type too short', withResource({ type: 'a' })),
  bad('resource type with underscore', withResource({ type: 'my_db' })),
  bad('resource class starting with a dash', withResource({ type: 'db', class: '-x' })),
  bad('resource id with uppercase', withResource({ type: 'db', id: 'Shared' })),
  bad('resource id of one character', withResource({ type: 'db', id: 'x' })),
  bad('resource id of 64 characters', withResource({ type: 'db', id: 'a'.repeat(64) })),
  bad('resource id with empty label', withResource({ type: 'db', id: 'a..b' })),
  bad('unknown key in resource', fromFull((d) => (d.resources['resource-one1'].kind = 'x'))),
  bad('resource params as a string', withResource({ type: 'db', params: 'size=1' })),
  bad('resource annotation with numeric value', withResource({ type: 'db', metadata: { annotations: { a1: 1 } } })),
  bad('invalid resource name', fromMin((d) => (d.resources = { Db_1: { type: 'db' } }))),
];

describe.skipIf(oracleMissing)(`scoreSchema conformance with the official Score schema${oracleMissing ? ` — ${oracleMissing}` : ''}`, () => {
  it('has a meaningful number of variants, both valid and invalid', () => {
    expect(variants.length).toBeGreaterThanOrEqual(40);
    expect(variants.filter((v) => v.valid).length).toBeGreaterThanOrEqual(10);
    expect(new Set(variants.map((v) => v.name)).size).toBe(variants.length);
  });

  it('accepts the official full sample without errors', () => {
    expect(validate(fullSample)).toEqual([]);
  });

  it('is a Draft 2020-12 schema with its own $id', () => {
    expect(scoreSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(scoreSchema.$id).toBe('https://score-nx.dev/schemas/score-v1b1.json');
  });

  it.each(variants.map((v) => [v.name, v] as const))('%s', (_name, variant) => {
    const officialVerdict = officialValidate(variant.doc);
    const errors = validate(variant.doc);
    // The intended verdict guards against both schemas being wrong the same way.
    expect(officialVerdict, 'official schema verdict').toBe(variant.valid);
    expect(errors.length === 0, `project schema verdict; errors: ${JSON.stringify(errors)}`).toBe(variant.valid);
  });
});

describe('createScoreValidator messages', () => {
  const cases: { name: string; doc: unknown; errors: ScoreSchemaError[] }[] = [
    {
      name: 'unknown key points at the key',
      doc: withContainer({ imagee: 'nginx' }),
      errors: [{ path: ['containers', 'main', 'imagee'], message: "unknown field 'imagee' (did you mean 'image'?)" }],
    },
    {
      name: 'missing required field points at the parent',
      doc: fromMin((d) => delete d.containers.main.image),
      errors: [{ path: ['containers', 'main'], message: "missing required field 'image'" }],
    },
    {
      name: 'wrong type',
      doc: withContainer({ image: 5 }),
      errors: [{ path: ['containers', 'main', 'image'], message: 'must be string' }],
    },
    {
      name: 'pattern violation on a value and on a key',
      doc: fromMin((d) => {
        d.containers = { Web: { image: 'x', resources: { limits: { cpu: '1.5m' } } } };
      }),
      errors: [
        {
          path: ['containers', 'Web'],
          message:
            "invalid key 'Web': must be a lowercase RFC 1123 label: 2-63 characters of a-z, 0-9 or '-', starting and ending with a letter or digit",
        },
        {
          path: ['containers', 'Web', 'resources', 'limits', 'cpu'],
          message: "must be a CPU quantity such as '2', '0.5' or '250m'",
        },
      ],
    },
    {
      name: 'enum lists the allowed values',
      doc: withPort({ port: 80, protocol: 'SCTP' }),
      errors: [{ path: ['service', 'ports', 'web', 'protocol'], message: "must be one of 'TCP' or 'UDP', got 'SCTP' (did you mean 'TCP'?)" }],
    },
    {
      name: 'oneOf with two matching branches',
      doc: withFile({ content: 'x', source: 'x.txt' }),
      errors: [
        {
          path: ['containers', 'main', 'files', '/etc/app.conf'],
          message: "must set exactly one of 'content', 'binaryContent' or 'source', but found 'content' and 'source'",
        },
      ],
    },
    {
      name: 'oneOf with no matching branch, inside the deprecated array form',
      doc: withContainer({ files: [{ target: '/x', mode: '0600' }] }),
      errors: [
        {
          path: ['containers', 'main', 'files', 0],
          message: "must set exactly one of 'content', 'binaryContent' or 'source'",
        },
      ],
    },
    {
      name: 'anyOf on probes',
      doc: withProbe({}),
      errors: [
        { path: ['containers', 'main', 'livenessProbe'], message: "must set at least one of 'httpGet' or 'exec'" },
      ],
    },
    {
      name: 'deprecated target in the map form reads as an unknown field',
      doc: withVolume({ source: 'data', target: '/data' }),
      errors: [{ path: ['containers', 'main', 'volumes', '/data', 'target'], message: "unknown field 'target'" }],
    },
    {
      name: 'several errors are sorted by path then message',
      doc: {
        apiVersion: 'score.dev/v1',
        metadata: {},
        containers: {},
        extra: true,
      },
      errors: [
        { path: ['apiVersion'], message: "must be 'score.dev/v1b1'" },
        { path: ['containers'], message: 'must have at least 1 entry' },
        { path: ['extra'], message: "unknown field 'extra'" },
        { path: ['metadata'], message: "missing required field 'name'" },
      ],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(validate(testCase.doc)).toEqual(testCase.errors);
  });

  it('returns the same result on repeated calls and from separate validators', () => {
    const doc = withProbe({ httpGet: { port: 0 } });
    const first = validate(doc);
    expect(createScoreValidator()(doc)).toEqual(first);
    expect(first).toEqual([
      { path: ['containers', 'main', 'livenessProbe', 'httpGet'], message: "missing required field 'path'" },
      { path: ['containers', 'main', 'livenessProbe', 'httpGet', 'port'], message: 'must be >= 1' },
    ]);
  });
});

describe('createValidatorFor', () => {
  it("refuses a schema that is not a valid JSON Schema with every mistake, as Ajv's own compile does", () => {
    const schema = { type: 'object', properties: { a: { type: 'strin' }, b: { minLength: -1 } } };
    let message = '';
    try {
      createValidatorFor(schema);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^schema is invalid: /);
    expect(message).toContain('data/properties/a/type');
    expect(message).toContain('data/properties/b/minLength');
    // The same text Ajv gives when it checks the schema itself while compiling.
    expect(() => new Ajv2020({ allErrors: true, strict: false }).compile(schema)).toThrow(message);
  });

  it('compiles two schemas with the same $id in one process (one library content per environment)', () => {
    const first = createValidatorFor({ $id: 'https://example.com/s.json', type: 'object', required: ['a'] });
    const second = createValidatorFor({ $id: 'https://example.com/s.json', type: 'object', required: ['b'] });
    expect(first({ b: 1 })).toEqual([{ path: [], message: "missing required field 'a'" }]);
    expect(second({ a: 1 })).toEqual([{ path: [], message: "missing required field 'b'" }]);
  });
});
