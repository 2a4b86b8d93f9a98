import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { createWorkspace, errorOf, scoreYaml } from './provisioners/test-support/workspace';
import { describeSchemaError, errorPath, primaryError } from './schema-errors';

const ajv = new Ajv2020({ strict: false, verbose: true });
const firstMessage = (schema: object, value: unknown) => {
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  const e = primaryError(validate.errors!);
  return { path: errorPath(e), message: describeSchemaError(e) };
};

describe('schema error wording', () => {
  it('reports a oneOf, not the error of one of its branches', () => {
    const schema = { type: 'object', properties: { size: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+Gi$' }] } } };
    expect(firstMessage(schema, { size: 'big' })).toEqual({ path: ['size'], message: 'must match exactly one of the allowed forms' });
  });

  it('names the fields of a oneOf whose branches each require one', () => {
    const schema = { type: 'object', oneOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(firstMessage(schema, {})).toEqual({ path: [], message: "must set exactly one of 'a' or 'b'" });
    expect(firstMessage(schema, { a: 1, b: 2 })).toEqual({ path: [], message: "must set exactly one of 'a' or 'b', but found 'a' and 'b'" });
  });

  it('words the common keywords in the user\'s terms', () => {
    expect(firstMessage({ type: 'object', additionalProperties: false }, { x: 1 })).toEqual({ path: ['x'], message: "unknown field 'x'" });
    expect(firstMessage({ enum: ['a', 'b'] }, 'zzzz').message).toBe("must be one of 'a' or 'b'");
    expect(firstMessage({ type: 'string', pattern: '^x$' }, 'y').message).toBe('must match pattern ^x$');
  });
});

describe('a failed oneOf in resource params', () => {
  it.each([
    // A placeholder value is checked after substitution, at provisioning; a literal one when the file is loaded (a
    // type with one provisioner: the message does not need to name it).
    ['matches no form', '"${metadata.name}"', ''],
    ['matches both forms (where the message once named "templates or command")', '"1Gi"', ''],
  ])('tells the service developer what the param must be, at the param, when it %s', (_case, size, served) => {
    const ws = createWorkspace({
      'provisioners/sized/provisioner.yaml': [
        'type: sized',
        'description: Takes a size in one of two forms.',
        'params: {type: object, additionalProperties: false, properties: {size: {oneOf: [{type: integer}, {type: string, pattern: "^[0-9]+Gi$"}, {type: string, pattern: "^1"}]}}}',
        'templates: {outputs: outputs.yaml.njk}',
        '',
      ].join('\n'),
      'provisioners/sized/outputs.yaml.njk': 'size: {{ resource.params.size }}\n',
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  disk:', '    type: sized', `    params: {size: ${size}}`]),
    });
    const message = errorOf(() => ws.generate('api', 'dev'));
    expect(message).toBe(`services/api/score.yaml:11:14: resources.disk.params.size: must match exactly one of the allowed forms${served}`);
    expect(message).not.toContain('templates or command');
  });
});
