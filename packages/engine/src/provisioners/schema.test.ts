import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { extendedScoreSchema, extendedValidator } from './schema';
import { createWorkspace, scoreYaml } from './test-support/workspace';

const library = () =>
  createWorkspace({
    'provisioners/queue/provisioner.yaml': 'type: queue\ndescription: A queue.\nparams: {type: object, additionalProperties: false, properties: {fifo: {type: boolean}}}\ntemplates: {manifests: m.yaml.njk}\n',
    'provisioners/queue/m.yaml.njk': '',
    'provisioners/queue-big/provisioner.yaml': 'type: queue\nclass: big\ndescription: A big queue.\nparams: {type: object, additionalProperties: false, properties: {shards: {type: integer}}}\ntemplates: {manifests: m.yaml.njk}\n',
    'provisioners/queue-big/m.yaml.njk': '',
  }).library();

const doc = (extra: string[], metadata = '  team: team-a') => parse(scoreYaml('api', extra).replace('  team: team-a', metadata)) as unknown;

describe('extendedScoreSchema', () => {
  it('adds the library types, their params and the metadata keys', () => {
    const schema = extendedScoreSchema(library()) as { $id: string; $defs: Record<string, { properties: Record<string, { enum?: string[] }>; allOf?: unknown[]; required?: string[] }> };
    expect(schema.$id).toBe('https://score-nx.dev/schemas/score-v1b1-platform-workspace.json');
    expect(schema.$defs['resource']!.properties['type']!.enum).toEqual(['config', 'queue']);
    expect(schema.$defs['workloadMetadata']!.properties['team']).toEqual({ type: 'string' });
    expect(schema.$defs['workloadMetadata']!.required).toContain('team');
    expect(schema.$defs['resource']!.allOf).toHaveLength(2);
  });

  it('accepts a Score file that uses the library', () => {
    const validate = extendedValidator(library());
    expect(validate(doc(['resources:', '  config:', '    type: config', '    params: {configData: {A: "1"}}', '  jobs:', '    type: queue', '    params: {fifo: true}', '  big:', '    type: queue', '    class: big', '    params: {shards: 3}']))).toEqual([]);
  });

  it('rejects a typo in a param', () => {
    expect(extendedValidator(library())(doc(['resources:', '  config:', '    type: config', '    params: {configDta: {A: "1"}}']))).toEqual([
      { path: ['resources', 'config', 'params'], message: "missing required field 'configData'" },
      { path: ['resources', 'config', 'params', 'configDta'], message: "unknown field 'configDta' (did you mean 'configData'?)" },
    ]);
  });

  it('rejects a wrongly typed param', () => {
    expect(extendedValidator(library())(doc(['resources:', '  config:', '    type: config', '    params: {configData: {A: [1]}}']))).toEqual([
      { path: ['resources', 'config', 'params', 'configData', 'A'], message: 'must be string' },
    ]);
  });

  it('rejects an unknown resource type, listing the types', () => {
    expect(extendedValidator(library())(doc(['resources:', '  db:', '    type: postgres']))).toEqual([{ path: ['resources', 'db', 'type'], message: "must be one of 'config' or 'queue'" }]);
  });

  it('requires the library metadata keys', () => {
    expect(extendedValidator(library())(doc([], '  other: x'))).toEqual([{ path: ['metadata'], message: "missing required field 'team'" }]);
    expect(extendedValidator(library())(doc([], '  team: 3'))).toEqual([{ path: ['metadata', 'team'], message: 'must be string' }]);
  });

  it('leaves a param holding a placeholder to the check after substitution', () => {
    const validate = extendedValidator(library());
    const typed = (value: string) => doc(['resources:', '  config:', '    type: config', `    params: {configData: {A: [1]}, extra: ${JSON.stringify(value)}}`]);
    // Not a placeholder (escaped): reported; a placeholder: left to the runtime; other errors stay.
    expect(validate(typed('$${metadata.x}'))).toEqual([
      { path: ['resources', 'config', 'params', 'configData', 'A'], message: 'must be string' },
      { path: ['resources', 'config', 'params', 'extra'], message: "unknown field 'extra'" },
    ]);
    expect(validate(doc(['resources:', '  config:', '    type: config', '    params: {configData: {A: "${metadata.x}", B: "$${x}"}}']))).toEqual([]);
    expect(validate(doc(['resources:', '  config:', '    type: config', '    params: {configData: "${metadata.data}"}']))).toEqual([]);
  });
});
