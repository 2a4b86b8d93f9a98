import { describe, expect, it } from 'vitest';
import { validateDocuments } from '../validator/validator';
import { tmpdir } from '../test-support/run';

// A CRD-style schema: no $schema, so Draft 4 with kubeconform's format list (spec §3).
const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        big: { type: 'integer', format: 'int32' },
        when: { type: 'string', format: 'date-time' },
        wait: { type: 'string', format: 'duration' },
        host: { type: 'string', format: 'hostname' },
      },
    },
  },
};

async function check(spec: string): Promise<Array<[string, unknown]>> {
  const dir = tmpdir({ 'schemas/example.com/widget_v1.json': JSON.stringify(schema) });
  const rs = await validateDocuments([{ file: 'w.yaml', content: `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: ${spec}\n` }], {
    schemaLocations: ['schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'],
    cwd: dir,
    compileCacheDir: false,
  });
  return rs.map((r) => [r.status, r.validationErrors]);
}

describe('Draft 4 CRD schemas (spec §3)', () => {
  it('boolean exclusiveMinimum works', async () => {
    expect(await check('{ratio: 0}')).toEqual([['invalid', [{ path: '/spec/ratio', msg: 'exclusiveMinimum: got 0, want 0' }]]]);
    expect(await check('{ratio: 0.1}')).toEqual([['valid', undefined]]);
  });

  it('unknown formats such as int32 are ignored (2^40 passes)', async () => {
    expect(await check('{big: 1099511627776}')).toEqual([['valid', undefined]]);
  });

  it('date-time needs a T and a zone; a space is not accepted', async () => {
    expect(await check('{when: "2021-01-01 00:00:00Z"}')).toEqual([
      ['invalid', [{ path: '/spec/when', msg: "'2021-01-01 00:00:00Z' is not valid date-time: 11th character must be t or T" }]],
    ]);
    expect(await check('{when: "2021-01-01T00:00:00+02:00"}')).toEqual([['valid', undefined]]);
  });

  it('duration accepts Go durations and ISO 8601', async () => {
    expect(await check('{wait: 1h30m}')).toEqual([['valid', undefined]]);
    expect(await check('{wait: PT5M}')).toEqual([['valid', undefined]]);
    expect(await check('{wait: soon}')).toEqual([['invalid', [{ path: '/spec/wait', msg: "'soon' is not valid duration: must start with P" }]]]);
  });

  it('hostname', async () => {
    expect(await check('{host: -bad-.example.com}')).toEqual([
      ['invalid', [{ path: '/spec/host', msg: "'-bad-.example.com' is not valid hostname: label starts with hyphen" }]],
    ]);
  });
});
