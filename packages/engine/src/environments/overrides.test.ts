import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../k8s';
import { createWorkspace, errorOf, scoreYaml } from '../provisioners/test-support/workspace';
import { parseOverridePath } from './overrides';
import { GenerateCache } from '../pipeline/cache';

const SCORE = scoreYaml('api', [
  'containers:',
  '  main:',
  '    image: nginx:1.27',
  '    variables: {MODE: fast, DEBUG: "1"}',
  '    args: [serve, --verbose]',
  'resources:',
  '  settings:',
  '    type: config',
  '    params: {configData: {color: blue}}',
]);

/** A workspace whose `api` service has these prod overrides (YAML lines under `overrides:`). */
function withOverrides(lines: string[]) {
  const config = ['environments:', '  dev: {}', ...(lines.length ? ['  prod:', '    overrides:', ...lines.map((l) => `      ${l}`)] : ['  prod: {}']), ''].join('\n');
  return createWorkspace({ 'services/api/score.yaml': SCORE, 'services/api/service-config.yaml': config });
}

const deployment = (objects: readonly K8sObject[]) => objects.find((o) => o.kind === 'Deployment') as K8sObject & { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };

describe('service-config overrides', () => {
  it('parses dotted paths with escaped dots and backslashes, and refuses empty segments', () => {
    expect(parseOverridePath('containers.main.image')).toEqual(['containers', 'main', 'image']);
    expect(parseOverridePath('metadata.annotations.example\\.com/x')).toEqual(['metadata', 'annotations', 'example.com/x']);
    expect(parseOverridePath('a.b\\\\.c')).toEqual(['a', 'b\\', 'c']);
    expect(parseOverridePath('a..b')).toBeUndefined();
    expect(parseOverridePath('.a')).toBeUndefined();
  });

  it("changes exactly one field of one environment's render", () => {
    const plain = withOverrides([]);
    const before = plain.generate('api', 'prod').objects;
    const w = withOverrides(['containers.main.resources.limits.memory: 1Gi']);
    const after = w.generate('api', 'prod').objects;
    expect(deployment(after).spec.template.spec.containers[0]!['resources']).toEqual({ limits: { memory: '1Gi' } });
    expect(deployment(before).spec.template.spec.containers[0]!['resources']).toBeUndefined();
    const withoutResources = structuredClone(after);
    delete deployment(withoutResources).spec.template.spec.containers[0]!['resources'];
    expect(withoutResources).toEqual(before);
    // dev has no overrides: its render is the plain one.
    expect(w.generate('api', 'dev').yaml).toBe(plain.generate('api', 'dev').yaml);
  });

  // A batch renders a service's environments one after the other with one cache, which parses its Score file once.
  it('renders the same through a shared cache: one parse of the Score file, no override leaking between environments', () => {
    const w = withOverrides(['containers.main.variables.MODE: slow', 'containers.main.args.1: --quiet']);
    const alone = ['prod', 'dev', 'prod'].map((env) => w.generate('api', env).yaml);
    const cache = new GenerateCache();
    // Every render asks the cache for the parse; one entry after three renders: one parse.
    let asked = 0;
    const parse = cache.scoreSource;
    Object.defineProperty(cache, 'scoreSource', { value: (file: string, text: string) => (asked++, parse(file, text)) });
    const recentScores = (cache as unknown as { recentScores: Map<string, unknown> }).recentScores;
    expect(['prod', 'dev', 'prod'].map((env) => w.generate('api', env, { cache }).yaml)).toEqual(alone);
    expect(asked).toBe(3);
    expect(recentScores.size).toBe(1);
    // An edit is a new text: parsed again, and rendered as edited.
    w.write({ 'services/api/score.yaml': SCORE.replace('nginx:1.27', 'nginx:1.28') });
    expect(w.generate('api', 'dev', { cache }).yaml).toContain('nginx:1.28');
    expect(recentScores.size).toBe(2);
    cache.dispose();
  });

  it('sets and deletes variables, sequence items and resource params', () => {
    const w = withOverrides([
      'containers.main.variables.MODE: slow',
      'containers.main.variables.DEBUG: null',
      'containers.main.args.1: --quiet',
      'containers.main.args.-1: --port=80',
      'resources.settings.params.configData: {color: red, size: L}',
    ]);
    const { objects } = w.generate('api', 'prod');
    const container = deployment(objects).spec.template.spec.containers[0]!;
    expect(container['env']).toEqual([{ name: 'MODE', value: 'slow' }]);
    expect(container['args']).toEqual(['serve', '--quiet', '--port=80']);
    expect(objects.find((o) => o.kind === 'ConfigMap')!['data']).toEqual({ color: 'red', size: 'L' });
  });

  it('an override of a path the schema does not know is an error at the override', () => {
    const w = withOverrides(['containers.main.variables.MODE: slow', 'containers.main.resourcez.limits.memory: 1Gi']);
    expect(errorOf(() => w.generate('api', 'prod'))).toBe("services/api/service-config.yaml:6:7: containers.main.resourcez: unknown field 'resourcez' (did you mean 'resources'?)");
    // The same service renders in dev, which has no overrides.
    expect(w.generate('api', 'dev').objects.length).toBeGreaterThan(0);
  });

  it('an override whose value the schema refuses is an error at the override', () => {
    const w = withOverrides(['containers.main.resources.limits.memory: [1Gi]']);
    expect(errorOf(() => w.generate('api', 'prod'))).toMatch(/^services\/api\/service-config\.yaml:5:7: containers\.main\.resources\.limits\.memory: /);
  });

  it('a deleted required field is an error at the delete', () => {
    const w = withOverrides(['containers.main.image: null']);
    expect(errorOf(() => w.generate('api', 'prod'))).toMatch(/^services\/api\/service-config\.yaml:5:7: containers\.main: .*image/);
  });

  it('a Score file error no override is behind stays in the Score file', () => {
    const w = withOverrides(['containers.main.variables.MODE: slow']);
    w.write({ 'services/api/score.yaml': SCORE.replace('    args: [serve, --verbose]\n', '    argz: [serve]\n') });
    expect(errorOf(() => w.generate('api', 'prod'))).toBe("services/api/score.yaml:9:5: containers.main.argz: unknown field 'argz' (did you mean 'args'?)");
  });

  it('deleting what is not there, or indexing past a sequence, is an error at the override', () => {
    expect(errorOf(() => withOverrides(['containers.main.variables.NOPE: null']).generate('api', 'prod'))).toBe(
      'services/api/service-config.yaml:5:7: environments.prod.overrides.containers.main.variables.NOPE: nothing to delete: services/api/score.yaml has no containers.main.variables.NOPE',
    );
    expect(errorOf(() => withOverrides(['containers.main.args.5: x']).generate('api', 'prod'))).toBe(
      'services/api/service-config.yaml:5:7: environments.prod.overrides.containers.main.args.5: \'containers.main.args\' has 2 items: index 5 is out of range',
    );
    expect(errorOf(() => withOverrides(['containers.main.image.tag: x']).generate('api', 'prod'))).toBe(
      "services/api/service-config.yaml:5:7: environments.prod.overrides.containers.main.image.tag: 'containers.main.image' is a string: there is no 'tag' inside it",
    );
    expect(errorOf(() => withOverrides(['"containers..image": x']).generate('api', 'prod'))).toBe(
      "services/api/service-config.yaml:5:7: environments.prod.overrides.containers..image: override path 'containers..image' has an empty segment (write \\. for a dot inside a key)",
    );
  });

  it('keeps the trust boundary: platform-owned metadata, secret markers, identity and shared resources', () => {
    expect(errorOf(() => withOverrides(['metadata.region: eu-central-1']).generate('api', 'prod'))).toBe(
      "services/api/service-config.yaml:5:7: metadata.region: 'region' is platform-owned metadata in environment 'prod' (environments/prod.yaml); the environment sets it",
    );
    expect(errorOf(() => withOverrides(['containers.main.variables.X: "🔐💬a💬🔐"']).generate('api', 'prod'))).toMatch(
      /^services\/api\/service-config\.yaml:5:7: containers\.main\.variables\.X: a secret-reference marker/,
    );
    for (const [key, target] of [
      ['metadata.name: other', 'metadata.name'],
      ['metadata.team: team-b', 'metadata.team'],
      ['metadata: {name: x}', 'metadata.name'],
      ['resources.settings.id: shared', 'resources.<resource>.id'],
      ['resources.settings.type: other', 'resources.<resource>.type'],
      ['resources.db: {type: config}', 'resources.<resource>.type'],
    ] as const) {
      expect(errorOf(() => withOverrides([key]).generate('api', 'prod'))).toMatch(
        new RegExp(`^services/api/service-config\\.yaml:5:7: environments\\.prod\\.overrides\\.[^:]+: an override may not change ${target.replace(/[.<>]/g, '\\$&')}: `),
      );
    }
  });

  it('a key such as __proto__ stays a key of the document', () => {
    const w = withOverrides(['containers.main.variables.__proto__: polluted']);
    const container = deployment(w.generate('api', 'prod').objects).spec.template.spec.containers[0]!;
    expect(container['env']).toContainEqual({ name: '__proto__', value: 'polluted' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
