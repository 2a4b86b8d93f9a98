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

  it('matches type and class case-sensitively, mixed case allowed (Score allows Resource-One)', () => {
    const w = createWorkspace({
      ...templateProvisioner('resource-one', ['type: Resource-One', 'class: Gold', 'description: mixed case']),
      ...templateProvisioner('resource-one-lower', ['type: resource-one', 'description: lower case, another type']),
    });
    const lib = w.library();
    expect(matchProvisioner(lib, 'Resource-One', 'Gold', undefined)?.folder).toBe('resource-one');
    expect(matchProvisioner(lib, 'Resource-One', 'gold', undefined)).toBeUndefined();
    expect(matchProvisioner(lib, 'resource-one', 'Gold', undefined)?.folder).toBe('resource-one-lower');
    expect(matchProvisioner(lib, 'RESOURCE-ONE', 'Gold', undefined)).toBeUndefined();
    w.write({ 'services/api/score.yaml': scoreYaml('api', ['resources:', '  one:', '    type: Resource-One', '    class: Gold']) });
    expect(w.generate('api', 'dev').objects.length).toBeGreaterThan(0);
  });

  it('rejects a type that is not a Score resource type', () => {
    expect(loadError(templateProvisioner('bad', ['type: Bad_Type', 'description: underscore']))).toMatch(/^provisioners\/bad\/provisioner\.yaml:1:1: type: must match pattern/);
  });

  it('rejects an empty or malformed environments list at its position', () => {
    expect(loadError(templateProvisioner('db-none', ['type: db', 'environments: []', 'description: none']))).toMatch(/^provisioners\/db-none\/provisioner\.yaml:2:1: environments: must NOT have fewer than 1 items/);
    expect(loadError(templateProvisioner('db-upper', ['type: db', 'environments: [Dev]', 'description: upper']))).toMatch(/^provisioners\/db-upper\/provisioner\.yaml:2:16: environments\[0\]: must match pattern/);
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

describe('matching by environment', () => {
  const ws = (extra: Files = {}) =>
    createWorkspace({
      ...templateProvisioner('db-any', ['type: db', 'description: every environment']),
      ...templateProvisioner('db-cluster', ['type: db', 'environments: [dev, preview]', 'description: in-cluster']),
      ...templateProvisioner('db-managed', ['type: db', 'environments: [prod]', 'description: managed']),
      ...templateProvisioner('db-large', ['type: db', 'class: large', 'description: class, every environment']),
      ...templateProvisioner('db-large-dev', ['type: db', 'class: large', 'environments: [dev]', 'description: class in dev']),
      ...templateProvisioner('db-main', ['type: db', 'id: main', 'description: id, every environment']),
      ...templateProvisioner('db-main-prod', ['type: db', 'id: main', 'environments: [prod]', 'description: id in prod']),
      ...templateProvisioner('queue-prod', ['type: queue', 'environments: [prod]', 'description: prod only']),
      ...extra,
    });
  const match = (lib: ReturnType<ReturnType<typeof ws>['library']>, env: string | undefined, klass = 'default', id?: string) =>
    matchProvisioner(lib, 'db', klass, id, env)?.folder;

  it('type only: the provisioner naming the environment beats the unrestricted one', () => {
    const lib = ws().library();
    expect(match(lib, 'dev')).toBe('db-cluster');
    expect(match(lib, 'preview')).toBe('db-cluster');
    expect(match(lib, 'prod')).toBe('db-managed');
    expect(match(lib, 'staging')).toBe('db-any');
  });

  it('class: the class provisioner naming the environment, then the class one, then type-only ones never', () => {
    const lib = ws().library();
    expect(match(lib, 'dev', 'large')).toBe('db-large-dev');
    expect(match(lib, 'prod', 'large')).toBe('db-large');
  });

  it('id beats class and environment; among id provisioners the one naming the environment wins', () => {
    const lib = ws().library();
    expect(match(lib, 'prod', 'large', 'main')).toBe('db-main-prod');
    expect(match(lib, 'dev', 'large', 'main')).toBe('db-main');
    expect(match(lib, 'dev', 'default', 'other')).toBe('db-cluster');
  });

  it('a class beats an environment: class is the more specific dimension', () => {
    const lib = ws().library();
    // db-cluster names dev, db-large names the class: the class wins.
    expect(match(lib, 'dev', 'large')).not.toBe('db-cluster');
    const w = ws();
    w.write({ 'provisioners/db-large-dev/provisioner.yaml': null, 'provisioners/db-large-dev/m.yaml.njk': null });
    expect(match(w.library(), 'dev', 'large')).toBe('db-large');
  });

  it('without an environment (the catalog) only unrestricted provisioners match', () => {
    const lib = ws().library();
    expect(match(lib, undefined)).toBe('db-any');
    expect(matchProvisioner(lib, 'queue', 'default', undefined)).toBeUndefined();
  });

  it('a type served only in other environments is an error naming the environment', () => {
    const w = ws();
    w.write({ 'services/api/score.yaml': scoreYaml('api', ['resources:', '  jobs:', '    type: queue']) });
    expect(w.generate('api', 'prod').objects.length).toBeGreaterThan(0);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:10:5: resources.jobs.type: no provisioner for type 'queue' in environment 'dev' in library workspace (types: config, db, queue)",
    );
  });

  it('two provisioners of one rank that both name the environment are an ambiguity error naming both', () => {
    const w = ws(templateProvisioner('db-cluster2', ['type: db', 'environments: [preview]', 'description: also preview']));
    expect(errorOf(() => matchProvisioner(w.library(), 'db', 'default', undefined, 'preview'))).toBe(
      "provisioners 'db-cluster' and 'db-cluster2' both serve type 'db' in environment 'preview': give one of them a class or id, or split their environments",
    );
    expect(match(w.library(), 'dev')).toBe('db-cluster');
    w.write({ 'services/api/score.yaml': scoreYaml('api', ['resources:', '  store:', '    type: db']) });
    expect(errorOf(() => w.generate('api', 'preview', { pr: 7 }))).toBe(
      "services/api/score.yaml:10:5: resources.store.type: provisioners 'db-cluster' and 'db-cluster2' both serve type 'db' in environment 'preview': give one of them a class or id, or split their environments",
    );
  });

  it('serves the environment through generate: the render uses the matched provisioner', () => {
    const w = ws();
    for (const f of ['db-any', 'db-cluster', 'db-managed']) {
      w.write({ [`provisioners/${f}/provisioner.yaml`]: `type: db\ndescription: d\n${f === 'db-any' ? '' : `environments: [${f === 'db-cluster' ? 'dev' : 'prod'}]\n`}outputs: [impl]\ntemplates: {outputs: o.yaml.njk}\n`, [`provisioners/${f}/o.yaml.njk`]: `impl: ${f}\n` });
    }
    w.write({ 'services/api/score.yaml': scoreYaml('api', ['containers:', '  main:', '    image: nginx:1.27', '    variables:', '      IMPL: ${resources.store.impl}', 'resources:', '  store:', '    type: db']) });
    const impl = (env: string) => {
      const deployment = w.generate('api', env, env === 'preview' ? { pr: 3 } : {}).objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } } };
      return deployment.spec.template.spec.containers[0]!.env.find((e) => e.name === 'IMPL')?.value;
    };
    expect(impl('dev')).toBe('db-cluster');
    expect(impl('prod')).toBe('db-managed');
    expect(impl('preview')).toBe('db-any');
  });
});
