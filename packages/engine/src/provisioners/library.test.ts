import { describe, expect, it } from 'vitest';
import { matchProvisioner } from './library';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';
import type { Files } from './test-support/workspace';

/** A template provisioner folder with an empty manifests template. */
function templateProvisioner(folder: string, definition: string[]): Files {
  return {
    [`provisioners/${folder}/provisioner.yaml`]: [...definition, 'templates: {manifests: m.yaml.njk}', ''].join('\n'),
    [`provisioners/${folder}/m.yaml.njk`]: '',
  };
}

function loadError(files: Files): string {
  const ws = createWorkspace(files);
  return errorOf(() => ws.library());
}

describe('loading definitions', () => {
  it('loads a template and a command provisioner with their defaults', () => {
    const ws = createWorkspace({
      'provisioners/cmd/provisioner.yaml': 'type: cmd\ndescription: d\ncommand: [./run.sh, --flag]\n',
      'provisioners/cmd/run.sh': '#!/bin/sh\necho {}\n',
    });
    const lib = ws.library();
    expect(lib.provisioners.map((p) => p.folder)).toEqual(['cmd', 'config']);
    const cmd = lib.provisioners[0]!;
    expect({ type: cmd.type, ownsWorkload: cmd.ownsWorkload, params: cmd.params, outputs: cmd.outputs, command: cmd.command, templates: cmd.templates, sources: [...cmd.templateSources.keys()] }).toEqual({
      type: 'cmd',
      ownsWorkload: false,
      params: { type: 'object', additionalProperties: false, properties: {} },
      outputs: [],
      command: ['./run.sh', '--flag'],
      templates: undefined,
      sources: [],
    });
    expect(cmd.definitionFile).toBe('provisioners/cmd/provisioner.yaml');
    expect(lib.labels).toEqual({ 'platform.example.com/team': 'team' });
    expect(lib.workloadMetadata).toEqual({ properties: { team: { type: 'string' } }, required: ['team'] });
    expect([...lib.provisioners[1]!.templateSources.keys()]).toEqual(['manifests.yaml.njk', 'outputs.yaml.njk', 'workload.yaml.njk']);
  });

  it('rejects an unknown key at its position', () => {
    expect(loadError(templateProvisioner('x', ['type: x', 'description: d', 'colour: red']))).toBe(
      "provisioners/x/provisioner.yaml:1:1: unknown field 'colour'",
    );
  });

  it('rejects a definition without type', () => {
    expect(loadError(templateProvisioner('x', ['description: d']))).toBe("provisioners/x/provisioner.yaml:1:1: missing required field 'type'");
  });

  it('rejects a definition with both templates and command', () => {
    expect(loadError(templateProvisioner('x', ['type: x', 'description: d', 'command: [./run]']))).toBe(
      "provisioners/x/provisioner.yaml:1:1: must set exactly one of 'templates' or 'command', but found 'templates' and 'command'",
    );
  });

  it('rejects a definition with neither templates nor command', () => {
    expect(loadError({ 'provisioners/x/provisioner.yaml': 'type: x\ndescription: d\n' })).toBe(
      "provisioners/x/provisioner.yaml:1:1: must set exactly one of 'templates' or 'command'",
    );
  });

  it('rejects a template file that does not exist, naming the role', () => {
    expect(
      loadError({
        'provisioners/x/provisioner.yaml': 'type: x\ndescription: d\ntemplates:\n  outputs: o.yaml.njk\n  manifests: missing.yaml.njk\n',
        'provisioners/x/o.yaml.njk': '',
      }),
    ).toBe("provisioners/x/provisioner.yaml:5:3: templates.manifests: template 'missing.yaml.njk' does not exist in provisioners/x");
  });

  it('rejects a command provisioner that owns the workload', () => {
    expect(loadError({ 'provisioners/x/provisioner.yaml': 'type: x\ndescription: d\ncommand: [./run]\nownsWorkload: true\n' })).toBe(
      'provisioners/x/provisioner.yaml:4:1: ownsWorkload: a command provisioner cannot own the workload: the pod template is rendered after commands run',
    );
  });

  it('rejects a wrongly typed value at its position', () => {
    expect(loadError(templateProvisioner('x', ['type: x', 'description: d', 'outputs: name']))).toBe('provisioners/x/provisioner.yaml:3:1: outputs: must be array');
  });

  it('rejects params that are not a JSON Schema', () => {
    expect(loadError(templateProvisioner('x', ['type: x', 'description: d', 'params: {type: nonsense}']))).toMatch(
      /^provisioners\/x\/provisioner\.yaml:3:1: params: is not a valid JSON Schema: /,
    );
  });

  it('rejects a malformed library.yaml', () => {
    expect(loadError({ 'provisioners/library.yaml': 'labels:\n  team: 3\n' })).toBe('provisioners/library.yaml:2:3: labels.team: must be string');
  });
});

describe('matching', () => {
  const ws = () =>
    createWorkspace({
      ...templateProvisioner('db-a', ['type: db', 'description: type only']),
      ...templateProvisioner('db-b', ['type: db', 'description: type only, later folder']),
      ...templateProvisioner('db-large', ['type: db', 'class: large', 'description: class']),
      ...templateProvisioner('db-large2', ['type: db', 'class: large', 'description: class, later folder']),
      ...templateProvisioner('db-main', ['type: db', 'id: main', 'description: id']),
      ...templateProvisioner('db-main-large', ['type: db', 'class: large', 'id: main', 'description: id and class']),
      ...templateProvisioner('cache', ['type: cache', 'description: other type']),
    });

  it('matches on type, then the most specific (id, class, type only), ties by folder name', () => {
    const lib = ws().library();
    const match = (type: string, klass: string, id?: string) => matchProvisioner(lib, type, klass, id)?.folder;
    expect(match('db', 'default')).toBe('db-a');
    expect(match('db', 'large')).toBe('db-large');
    expect(match('db', 'small')).toBe('db-a');
    expect(match('db', 'default', 'main')).toBe('db-main');
    expect(match('db', 'large', 'main')).toBe('db-main');
    expect(match('db', 'large', 'other')).toBe('db-large');
    expect(match('cache', 'large', 'main')).toBe('cache');
    expect(match('queue', 'default')).toBeUndefined();
  });

  it('among id provisioners, folder order decides even when one also names a class', () => {
    const w = ws();
    w.write({ 'provisioners/db-main/provisioner.yaml': null, 'provisioners/db-main/m.yaml.njk': null });
    expect(matchProvisioner(w.library(), 'db', 'large', 'main')?.folder).toBe('db-main-large');
    expect(matchProvisioner(w.library(), 'db', 'default', 'main')?.folder).toBe('db-a');
  });

  it('an unknown type is rejected by the extended schema, listing the types', () => {
    const w = ws();
    w.write({ 'services/api/score.yaml': scoreYaml('api', ['resources:', '  queue:', '    type: queue']) });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe("services/api/score.yaml:10:5: resources.queue.type: must be one of 'cache', 'config' or 'db'");
  });

  it('a resource no provisioner matches (class) is an error listing the types', () => {
    const w = ws();
    w.write({
      ...templateProvisioner('gold-only', ['type: special', 'class: gold', 'description: only the gold class']),
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  thing:', '    type: special', '    class: silver']),
    });
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:10:5: resources.thing.type: no provisioner for type 'special' class 'silver' in library workspace (types: cache, config, db, special)",
    );
  });
});
