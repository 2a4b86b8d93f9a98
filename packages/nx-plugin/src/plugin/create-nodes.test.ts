import { existsSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateNodesContextV2, ProjectConfiguration } from '@nx/devkit';
import { createDependencies, createNodes, createNodesV2 } from '../index';
import { configurationRequests, preTasksExecution } from './configuration-guard';
import { schemaInputs } from './create-nodes';
import { globToRegExp } from './options';
import type { ScorePluginOptions } from './options';
import { sampleWorkspace, service, tempWorkspace } from '../test-support/workspace';

let dispose = () => {};
afterEach(() => dispose());

function workspace(files: Record<string, string>): string {
  const ws = tempWorkspace(files);
  dispose = ws.dispose;
  return ws.root;
}

function run(root: string, files: string[], options?: ScorePluginOptions) {
  const context: CreateNodesContextV2 = { nxJsonConfiguration: {}, workspaceRoot: root };
  return createNodesV2[1](files, options, context) as Array<readonly [string, { projects?: Record<string, ProjectConfiguration> }]>;
}

const SCORE_FILES = ['services/alpha/score.yaml', 'services/beta/score.yaml', 'services/gamma/score.yaml'];

describe('createNodes', () => {
  it('exports the same v2 tuple under both names', () => {
    expect(createNodes).toBe(createNodesV2);
    expect(createNodesV2[0]).toBe('**/*.{yaml,yml}');
  });

  it('makes one project per score.yaml, named after metadata.name, with tags and metadata', () => {
    const root = workspace(sampleWorkspace());
    const results = run(root, SCORE_FILES);
    expect(results.map(([file]) => file)).toEqual(SCORE_FILES);
    const alpha = results[0]![1].projects!['services/alpha']!;
    expect(alpha.name).toBe('alpha');
    expect(alpha.root).toBe('services/alpha');
    expect(alpha.tags).toEqual(['type:score-service', 'namespace:payments', 'system:checkout']);
    expect(alpha.metadata).toMatchObject({
      description: 'Score service alpha (system checkout)',
      technologies: ['score'],
      repoSlug: 'MyOrg/alpha',
      owners: { MyOrg: { ownedFiles: [{ files: ['*'] }] } },
    });
    expect(Object.keys(alpha.targets!).sort()).toEqual(['generate', 'score-inputs', 'validate']);
  });

  // The platform's metadata keys come from the library's library.yaml (platformKeys), not from this plugin.
  it.each([
    {
      name: 'namespace and system swapped',
      keys: 'platformKeys:\n  namespace: level1System\n  system: engineNamespace\n',
      tags: ['type:score-service', 'namespace:checkout', 'system:payments'],
      metadata: { description: 'Score service alpha (system payments)' },
    },
    { name: 'only the repository', keys: 'platformKeys:\n  repository: repoSlug\n', tags: ['type:score-service'], metadata: { description: 'Score service alpha', repoSlug: 'MyOrg/alpha', owners: { MyOrg: { ownedFiles: [{ files: ['*'] }] } } } },
    { name: 'none declared', keys: '', tags: ['type:score-service'], metadata: { description: 'Score service alpha' } },
  ])('takes tags and owners from the keys the library declares: $name', ({ keys, tags, metadata }) => {
    const files = sampleWorkspace();
    files['provisioners/library.yaml'] = files['provisioners/library.yaml']!.replace(/^platformKeys:\n( {2}.*\n)+/m, keys);
    const alpha = run(workspace(files), SCORE_FILES)[0]![1].projects!['services/alpha']!;
    expect(alpha.tags).toEqual(tags);
    expect(alpha.metadata).toMatchObject(metadata);
    if (!('repoSlug' in metadata)) expect(alpha.metadata).not.toHaveProperty('owners');
  });

  it('fails every service with the position of a malformed platformKeys', () => {
    const files = sampleWorkspace();
    files['provisioners/library.yaml'] = files['provisioners/library.yaml']!.replace('  system: level1System\n  repository', '  system: 3\n  repository');
    const root = workspace(files);
    let caught: unknown;
    try {
      run(root, SCORE_FILES);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AggregateCreateNodesError);
    const errors = (caught as AggregateCreateNodesError).errors;
    expect(errors.map(([file]) => file)).toEqual(SCORE_FILES);
    expect(errors[0]![1].message).toBe('provisioners/library.yaml:5:3: platformKeys.system: must be string');
  });

  it('describes every target and tells how to get its help', () => {
    const alpha = run(workspace(sampleWorkspace()), SCORE_FILES)[0]![1].projects!['services/alpha']!;
    for (const [name, target] of Object.entries(alpha.targets!)) {
      expect(target.metadata?.description, name).toMatch(/alpha/);
      expect(target.metadata?.help?.command, name).toBe(`npx nx run alpha:${name} --help`);
    }
  });

  it('infers generate with one configuration per environment, exact inputs and outputs', () => {
    const root = workspace(sampleWorkspace());
    const alpha = run(root, SCORE_FILES)[0]![1].projects!['services/alpha']!;
    const generate = alpha.targets!['generate']!;
    expect(generate).toMatchObject({
      executor: '@score-nx/nx-plugin:generate',
      cache: true,
      inputs: ['{projectRoot}/**/*', { externalDependencies: [] }],
      // Literal folders (an unset option drops its output): no glob for Nx to expand over the output tree.
      outputs: ['{workspaceRoot}/dist/manifests/{options.outputDirs.dev}', '{workspaceRoot}/dist/manifests/{options.outputDirs.prod}', '{workspaceRoot}/dist/manifests/{options.outputDirs.staging}'],
      options: {
        environment: '*',
        environments: ['dev', 'prod', 'staging'],
        outputRoot: 'dist/manifests',
        outputDirs: { dev: 'dev/alpha', prod: 'prod/alpha', staging: 'staging/alpha' },
      },
      configurations: {
        dev: { environment: 'dev', environments: ['dev'], outputDirs: { dev: 'dev/alpha' } },
        prod: { environment: 'prod', environments: ['prod'], outputDirs: { prod: 'prod/alpha' } },
        staging: { environment: 'staging', environments: ['staging'], outputDirs: { staging: 'staging/alpha' } },
      },
    });
    expect(generate.metadata).toMatchObject({ technologies: ['score'], help: { command: 'npx nx run alpha:generate --help' } });
    expect(generate.metadata!.description).toContain('dist/manifests/<env>/alpha/manifests.yaml');
    // Nothing that changes with the library or the environment files is in the project configuration (Nx hashes it into every task).
    expect(JSON.stringify(alpha.targets)).not.toMatch(/[0-9a-f]{40}/);
  });

  it('validate depends on generate and carries each environment’s Kubernetes version', () => {
    const root = workspace(sampleWorkspace());
    const alpha = run(root, SCORE_FILES, { schemaLocations: ['schemas/{{ .NormalizedKubernetesVersion }}/_definitions.json'] })[0]![1].projects!['services/alpha']!;
    expect(alpha.targets!['validate']).toMatchObject({
      executor: '@score-nx/nx-plugin:validate',
      dependsOn: [{ target: 'generate' }],
      // No render files: the validate hasher hashes the generate task's hash (executors/validate/hasher.ts).
      inputs: [
        // The schema files it reads, per Kubernetes version: pulling schemas invalidates exactly these validations.
        '{workspaceRoot}/schemas/v1.31.0/_definitions.json',
        '{workspaceRoot}/schemas/v1.32.0/_definitions.json',
        '{workspaceRoot}/schemas/v1.33.0/_definitions.json',
        { externalDependencies: [] },
      ],
      outputs: [],
      options: {
        environment: '*',
        kubernetesVersions: { dev: '1.33.0', prod: '1.31.0', staging: '1.32.0' },
        schemaLocations: ['schemas/{{ .NormalizedKubernetesVersion }}/_definitions.json'],
        strict: true,
      },
      configurations: { prod: { environment: 'prod', environments: ['prod'], kubernetesVersions: { prod: '1.31.0' } } },
    });
  });

  it('lists what renders read outside the folder in the inputs target: workspace library only where used', () => {
    const root = workspace(sampleWorkspace());
    const projects = Object.fromEntries(run(root, SCORE_FILES).map(([, r]) => Object.values(r.projects!)[0]!).map((p) => [p.name, p]));
    expect(projects['alpha']!.targets!['score-inputs']).toMatchObject({
      executor: 'nx:noop',
      cache: false,
      inputs: [
        '{workspaceRoot}/environments/dev.yaml',
        '{workspaceRoot}/environments/prod.yaml',
        '{workspaceRoot}/environments/staging.yaml',
        '{workspaceRoot}/provisioners/**/*',
        '{workspaceRoot}/provisioner-releases.yaml',
      ],
    });
    // gamma deploys to prod only, which pins release 1.0.0: a workspace library edit does not concern it.
    expect(projects['gamma']!.targets!['score-inputs']!.inputs).toEqual(['{workspaceRoot}/environments/prod.yaml', '{workspaceRoot}/provisioner-releases.yaml']);
  });

  it('gives a service without service-config every non-preview environment, and a preview target', () => {
    const root = workspace(sampleWorkspace());
    const beta = run(root, SCORE_FILES)[1]![1].projects!['services/beta']!;
    expect(beta.targets!['generate']!.options.environments).toEqual(['dev', 'prod', 'staging']);
    expect(beta.targets!['preview']).toMatchObject({
      executor: '@score-nx/nx-plugin:generate',
      outputs: ['{workspaceRoot}/dist/manifests/{options.environment}/pr-{options.pr}/beta'],
      options: { environment: 'preview', environments: ['preview'], preview: true },
    });
    expect(beta.targets!['score-inputs']!.inputs).toContain('{workspaceRoot}/environments/preview.yaml');
  });

  it('keeps a configuration for environments a service does not deploy to: it renders nothing', () => {
    const root = workspace(sampleWorkspace());
    const gamma = run(root, SCORE_FILES)[2]![1].projects!['services/gamma']!;
    expect(gamma.targets!['generate']!.configurations!['dev']).toEqual({ environment: 'dev', environments: [], outputDirs: {} });
    expect(gamma.targets!['preview']).toBeUndefined();
  });

  it('honours target names, the output root and an environment subset', () => {
    const root = workspace(sampleWorkspace());
    const alpha = run(root, SCORE_FILES, { generateTargetName: 'render', validateTargetName: 'check', outputRoot: './out/k8s/', environments: ['dev', 'prod'] })[0]![1]
      .projects!['services/alpha']!;
    expect(Object.keys(alpha.targets!).sort()).toEqual(['check', 'render', 'score-inputs']);
    expect(alpha.targets!['render']!.outputs).toEqual(['{workspaceRoot}/out/k8s/{options.outputDirs.dev}', '{workspaceRoot}/out/k8s/{options.outputDirs.prod}']);
    expect(alpha.targets!['render']!.options.outputDirs).toEqual({ dev: 'dev/alpha', prod: 'prod/alpha' });
    expect(Object.keys(alpha.targets!['render']!.configurations!)).toEqual(['dev', 'prod']);
    expect(alpha.targets!['check']!.dependsOn).toEqual([{ target: 'render' }]);
  });

  it('rejects an environment option that environments/ does not define', () => {
    const root = workspace(sampleWorkspace());
    expect(() => run(root, SCORE_FILES, { environments: ['qa'] })).toThrow(AggregateCreateNodesError);
  });

  it('skips node_modules, the output root, fixtures and configured globs', () => {
    const root = workspace({
      ...sampleWorkspace(),
      ...service('node_modules/pkg', { name: 'in-node-modules' }),
      ...service('dist/manifests/dev/x', { name: 'in-output' }),
      ...service('packages/engine/src/__fixtures__/svc', { name: 'fixture' }),
      ...service('examples/demo', { name: 'demo' }),
    });
    const files = [...SCORE_FILES, 'node_modules/pkg/score.yaml', 'dist/manifests/dev/x/score.yaml', 'packages/engine/src/__fixtures__/svc/score.yaml', 'examples/demo/score.yaml'];
    expect(run(root, files, { exclude: ['examples/**'] }).map(([f]) => f)).toEqual(SCORE_FILES);
    expect(run(root, files).map(([f]) => f)).toEqual([...SCORE_FILES, 'examples/demo/score.yaml']);
  });

  it('fails naming both files when two services share a name', () => {
    const root = workspace({ ...sampleWorkspace(), ...service('services/alpha-copy', { name: 'alpha' }) });
    let error: unknown;
    try {
      run(root, [...SCORE_FILES, 'services/alpha-copy/score.yaml']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const e = error as AggregateCreateNodesError;
    expect(e.errors.map(([f, err]) => [f, err.message])).toEqual([
      ['services/alpha-copy/score.yaml', "two services are named 'alpha' (metadata.name): services/alpha/score.yaml and services/alpha-copy/score.yaml; rename one of them"],
    ]);
    expect(e.partialResults).toHaveLength(3);
  });

  it('validates against the workspace schemas/ by default, with those files as inputs', () => {
    const root = workspace(sampleWorkspace());
    const validate = run(root, SCORE_FILES)[0]![1].projects!['services/alpha']!.targets!['validate']!;
    expect((validate.options as { schemaLocations: string[] }).schemaLocations).toEqual([
      'schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json',
      'schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json',
    ]);
    expect(validate.inputs).toEqual([
      '{workspaceRoot}/schemas/crds/**/*',
      '{workspaceRoot}/schemas/kubernetes/v1.31.0/_definitions.json',
      '{workspaceRoot}/schemas/kubernetes/v1.32.0/_definitions.json',
      '{workspaceRoot}/schemas/kubernetes/v1.33.0/_definitions.json',
      { externalDependencies: [] },
    ]);
  });

  it.each([
    ['https://example.com/{{ .ResourceKind }}.json', []],
    ['/abs/schemas/{{ .Group }}/x.json', []],
    ['../outside/{{ .Group }}.json', []],
    ['./local/{{ .NormalizedKubernetesVersion }}-standalone/{{ .ResourceKind }}.json', ['{workspaceRoot}/local/v1.33.0-standalone/**/*']],
  ] as const)('turns the location %s into inputs %j', (location, expected) => {
    expect(schemaInputs([location], ['1.33.0'])).toEqual(expected);
  });

  it.each([
    ['a YAML syntax error', 'apiVersion: score.dev/v1b1\nmetadata:\n  name: bad\ncontainers: [\n', 'bad', /^services\/bad\/score\.yaml:5:1: invalid YAML: /],
    ['no metadata.name (named after its folder)', 'apiVersion: score.dev/v1b1\nmetadata: {}\ncontainers: {}\n', 'bad', /^services\/bad\/score\.yaml:2:1: metadata\.name: a service needs metadata\.name: it is the Nx project name$/],
  ] as const)('never throws for %s: the project exists and each target fails with the positioned message', (_name, text, project, message) => {
    const root = workspace({ ...sampleWorkspace(), 'services/bad/score.yaml': text });
    const results = run(root, ['services/alpha/score.yaml', 'services/bad/score.yaml']);
    expect(results.map(([f]) => f)).toEqual(['services/alpha/score.yaml', 'services/bad/score.yaml']);
    const bad = results[1]![1].projects!['services/bad']!;
    expect(bad.name).toBe(project);
    for (const target of ['generate', 'validate']) expect((bad.targets![target]!.options as { serviceError: string }).serviceError).toMatch(message);
    expect(results[0]![1].projects!['services/alpha']!.targets!['generate']!.options).not.toHaveProperty('serviceError');
  });

  it('a broken service-config.yaml keeps the Score name and fails the targets with its message', () => {
    const root = workspace({ ...sampleWorkspace(), 'services/alpha/service-config.yaml': 'environments:\n  dev: [\n' });
    const alpha = run(root, ['services/alpha/score.yaml'])[0]![1].projects!['services/alpha']!;
    expect(alpha.name).toBe('alpha');
    expect((alpha.targets!['generate']!.options as { serviceError: string }).serviceError).toMatch(/^services\/alpha\/service-config\.yaml:\d+:\d+: invalid YAML/);
  });

  it('a dangling service-config.yaml symlink is a broken config, not a missing one (as the render reads it)', () => {
    const root = workspace(sampleWorkspace());
    rmSync(join(root, 'services/alpha/service-config.yaml'), { force: true });
    symlinkSync('nowhere.yaml', join(root, 'services/alpha/service-config.yaml'));
    const alpha = run(root, ['services/alpha/score.yaml'])[0]![1].projects!['services/alpha']!;
    expect((alpha.targets!['generate']!.options as { serviceError: string }).serviceError).toMatch(/^services\/alpha\/service-config\.yaml: /);
  });

  // Without the daemon, every nx command runs createNodes: unchanged files are read from .nx/workspace-data.
  describe('parse memo', () => {
    const memoFile = (root: string) => join(root, '.nx/workspace-data/score-nx-nodes.bin');

    it('gives the same projects from the memo as without it, and writes it only when something was parsed anew', () => {
      const root = workspace(sampleWorkspace());
      const first = run(root, SCORE_FILES);
      expect(existsSync(memoFile(root))).toBe(true);
      const written = statSync(memoFile(root)).mtimeMs;
      const second = run(root, SCORE_FILES);
      expect(second).toEqual(first);
      expect(statSync(memoFile(root)).mtimeMs).toBe(written);
      // Another workspace with the same files, never memoised: the same projects.
      const fresh = workspace(sampleWorkspace());
      expect(run(fresh, SCORE_FILES)).toEqual(first);
    });

    it('follows an edit: the new bytes are parsed, a broken file after a memoised one still fails with its position', () => {
      const root = workspace(sampleWorkspace());
      run(root, SCORE_FILES);
      const score = join(root, 'services/beta/score.yaml');
      const original = readFileSync(score, 'utf8');
      writeFileSync(score, original.replace(/name: beta/, 'name: beta-renamed'));
      expect(run(root, SCORE_FILES)[1]![1].projects!['services/beta']!.name).toBe('beta-renamed');
      writeFileSync(score, `${original}\nbroken: [\n`);
      const beta = run(root, SCORE_FILES)[1]![1].projects!['services/beta']!;
      expect((beta.targets!['generate']!.options as { serviceError: string }).serviceError).toMatch(/^services\/beta\/score\.yaml:\d+:\d+: /);
      writeFileSync(join(root, 'services/alpha/service-config.yaml'), 'environments:\n  dev: [\n');
      const alpha = run(root, SCORE_FILES)[0]![1].projects!['services/alpha']!;
      expect((alpha.targets!['generate']!.options as { serviceError: string }).serviceError).toMatch(/^services\/alpha\/service-config\.yaml:\d+:\d+: invalid YAML/);
    });

    it('ignores a corrupt memo and replaces it', () => {
      const root = workspace(sampleWorkspace());
      const expected = run(root, SCORE_FILES);
      writeFileSync(memoFile(root), 'not a memo');
      expect(run(root, SCORE_FILES)).toEqual(expected);
      expect(readFileSync(memoFile(root)).subarray(0, 10).toString()).not.toBe('not a memo');
    });
  });
});

describe('createDependencies', () => {
  it('adds a static dependency for each service resource naming a project', async () => {
    const root = workspace({ ...sampleWorkspace(), ...service('services/delta', { name: 'delta', calls: ['alpha', 'outside', 'delta'] }) });
    const projects = Object.fromEntries(
      run(root, [...SCORE_FILES, 'services/delta/score.yaml']).map(([, r]) => Object.values(r.projects!)[0]!).map((p) => [p.name!, p]),
    );
    const context = { projects, workspaceRoot: root, nxJsonConfiguration: {}, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } };
    const deps = await createDependencies!(undefined, context as unknown as Parameters<NonNullable<typeof createDependencies>>[1]);
    expect(deps).toEqual([
      { source: 'alpha', target: 'beta', sourceFile: 'services/alpha/score.yaml', type: 'static' },
      { source: 'delta', target: 'alpha', sourceFile: 'services/delta/score.yaml', type: 'static' },
    ]);
    expect(await createDependencies!({ serviceDependencies: false }, context as unknown as Parameters<NonNullable<typeof createDependencies>>[1])).toEqual([]);
  });

  it('a service resource without params.name names the other service by its resource name (as the Score samples write it)', async () => {
    const epsilon = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: epsilon\n  engineNamespace: team\ncontainers:\n  main:\n    image: busybox\nresources:\n  gamma:\n    type: service\n  beta:\n    type: service\n    params:\n      name: outside\n';
    const root = workspace({ ...sampleWorkspace(), 'services/epsilon/score.yaml': epsilon });
    const projects = Object.fromEntries(
      run(root, [...SCORE_FILES, 'services/epsilon/score.yaml']).map(([, r]) => Object.values(r.projects!)[0]!).map((p) => [p.name!, p]),
    );
    const context = { projects, workspaceRoot: root, nxJsonConfiguration: {}, externalNodes: {}, fileMap: { projectFileMap: {}, nonProjectFiles: [] }, filesToProcess: { projectFileMap: {}, nonProjectFiles: [] } };
    const deps = await createDependencies!(undefined, context as unknown as Parameters<NonNullable<typeof createDependencies>>[1]);
    // gamma by its resource name; `beta` names 'outside' in params.name, which wins (and is no project)
    expect(deps.filter((d) => d.source === 'epsilon')).toEqual([{ source: 'epsilon', target: 'gamma', sourceFile: 'services/epsilon/score.yaml', type: 'static' }]);
  });
});

describe('configuration guard', () => {
  it('reads target/configuration pairs from nx command lines', () => {
    const argv = (...a: string[]) => ['node', 'nx', ...a];
    expect(configurationRequests(argv('run', 'svc:generate:prod'))).toEqual([{ project: 'svc', target: 'generate', configuration: 'prod' }]);
    expect(configurationRequests(argv('svc:generate', '-c', 'dev'))).toEqual([{ project: 'svc', target: 'generate', configuration: 'dev' }]);
    expect(configurationRequests(argv('run-many', '-t', 'generate,validate', '--configuration=prd'))).toEqual([
      { target: 'generate', configuration: 'prd' },
      { target: 'validate', configuration: 'prd' },
    ]);
    expect(configurationRequests(argv('affected', '--targets=generate'))).toEqual([]);
  });

  it('refuses an unknown configuration of this plugin’s targets and ignores other targets', () => {
    const root = workspace(sampleWorkspace());
    const context = (...a: string[]) => ({ id: 'x', workspaceRoot: root, nxJsonConfiguration: {}, argv: ['node', 'nx', ...a] });
    expect(() => preTasksExecution!(undefined, context('run-many', '-t', 'generate', '-c', 'prd'))).toThrow(
      "generate: unknown configuration 'prd': the configurations of generate are the environments dev, prod, staging",
    );
    expect(() => preTasksExecution!(undefined, context('run-many', '-t', 'generate', '-c', 'preview'))).toThrow(/is a preview environment/);
    expect(() => preTasksExecution!(undefined, context('run-many', '-t', 'generate', '-c', 'dev,prod'))).toThrow(/one configuration/);
    expect(preTasksExecution!(undefined, context('run-many', '-t', 'generate', '-c', 'prod'))).toBeUndefined();
    expect(preTasksExecution!(undefined, context('run-many', '-t', 'build', '-c', 'production'))).toBeUndefined();
  });
});

describe('globToRegExp', () => {
  it('matches ** across folders and * within one', () => {
    expect(globToRegExp('**/__fixtures__/**').test('packages/a/src/__fixtures__/x/score.yaml')).toBe(true);
    expect(globToRegExp('services/*/score.yaml').test('services/a/b/score.yaml')).toBe(false);
    expect(globToRegExp('{a,b}/**').test('b/x')).toBe(true);
  });
});

// Keep the temp folder helper honest: nothing is left behind.
it('removes temp workspaces', () => {
  const ws = tempWorkspace({ 'x.txt': 'x' });
  ws.dispose();
  expect(() => rmSync(join(ws.root, 'x.txt'))).toThrow();
});
