import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { createScoreNodes } from '../../plugin/create-nodes';
import { sampleWorkspace, tempWorkspace, writeFiles } from '../../test-support/workspace';
import { generatorFingerprint } from '../../plugin/fingerprint';
import { scanMemo, WorkspaceState } from '../../workspace-state';
import { generateBatch, newSession, runGenerate } from './executor';
import { score } from './hasher';
import type { GenerateExecutorOptions } from './schema';

let dispose = () => {};
afterEach(() => dispose());

/** A workspace and an ExecutorContext with the projects createNodes infers for it. */
function setup(files = sampleWorkspace()) {
  const ws = tempWorkspace(files);
  dispose = ws.dispose;
  const results = createScoreNodes(['services/alpha/score.yaml', 'services/beta/score.yaml', 'services/gamma/score.yaml'], {}, { nxJsonConfiguration: {}, workspaceRoot: ws.root });
  const projects = Object.fromEntries(results.map(([, r]) => Object.values(r.projects!)[0]!).map((p) => [p.name!, p]));
  const context = { root: ws.root, cwd: ws.root, isVerbose: false, projectsConfigurations: { version: 2, projects }, nxJsonConfiguration: {} } as unknown as ExecutorContext;
  const options = (project: string, configuration?: string, target = 'generate'): GenerateExecutorOptions => {
    const t = projects[project]!.targets![target]!;
    return { ...t.options, ...(configuration ? t.configurations![configuration] : {}) } as GenerateExecutorOptions;
  };
  return { root: ws.root, context, projects, options };
}

const out = (root: string, env: string, svc: string) => join(root, 'dist/manifests', env, svc, 'manifests.yaml');

describe('generate executor', () => {
  describe('never deletes or writes outside the output root (issue 11)', () => {
    /** A project whose name (metadata.name) was chosen by a hostile Score file. */
    function hostile(name: string) {
      const { root, context, options } = setup(withoutPin(sampleWorkspace()));
      const projects = context.projectsConfigurations!.projects;
      projects[name] = { ...projects['alpha']!, name };
      return { root, context, opts: { ...options('alpha', 'dev') } };
    }

    it("refuses metadata.name '../../../services/beta' before deleting another service's folder", () => {
      const { root, context, opts } = hostile('../../../services/beta');
      const r = runGenerate(opts, { project: '../../../services/beta', target: 'generate', configuration: 'dev' }, context, newSession(root));
      expect(r.success).toBe(false);
      expect(r.lines).toEqual([
        "../../../services/beta:generate: '../../../services/beta' (metadata.name) is not a valid workload name (a lowercase RFC 1123 label of 2-63 characters); nothing was deleted or written",
      ]);
      expect(existsSync(join(root, 'services/beta/score.yaml'))).toBe(true);
    });

    it("refuses a name that climbs out of the workspace, leaving the folder there alone", () => {
      const { root, context, opts } = hostile('../../../../x');
      const victim = join(root, '..', 'x');
      mkdirSync(victim, { recursive: true });
      writeFileSync(join(victim, 'keep'), 'precious');
      try {
        for (const configuration of ['dev', undefined]) {
          const o = configuration ? opts : { ...opts, environment: '*', environments: ['dev'] };
          const r = runGenerate(o, { project: '../../../../x', target: 'generate', configuration }, context, newSession(root));
          expect(r.success).toBe(false);
        }
        expect(readFileSync(join(victim, 'keep'), 'utf8')).toBe('precious');
      } finally {
        rmSync(victim, { recursive: true, force: true });
      }
    });

    it('refuses an output folder that a symlink leads out of the output root', () => {
      const { root, context, options } = setup(withoutPin(sampleWorkspace()));
      const outside = mkdtempSync(join(tmpdir(), 'score-nx-victim-'));
      try {
        mkdirSync(join(outside, 'alpha'));
        writeFileSync(join(outside, 'alpha', 'keep'), 'precious');
        mkdirSync(join(root, 'dist/manifests'), { recursive: true });
        symlinkSync(outside, join(root, 'dist/manifests/dev'));
        const r = runGenerate(options('alpha', 'dev'), { project: 'alpha', target: 'generate', configuration: 'dev' }, context, newSession(root));
        expect(r.success).toBe(false);
        expect(r.lines[0]).toBe("output folder: '" + join(root, 'dist/manifests/dev/alpha') + "' leads outside '" + join(root, 'dist/manifests') + "' through a symlink; refusing to touch it");
        expect(readFileSync(join(outside, 'alpha', 'keep'), 'utf8')).toBe('precious');
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('refuses an outputRoot outside the workspace', () => {
      const { root, context, options } = setup(withoutPin(sampleWorkspace()));
      const r = runGenerate({ ...options('alpha', 'dev'), outputRoot: '../elsewhere' }, { project: 'alpha', target: 'generate', configuration: 'dev' }, context, newSession(root));
      expect(r.lines).toEqual([`outputRoot: '../elsewhere' is outside '${root}'; refusing to touch it`]);
    });
  });

  it('renders one environment per configuration', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    const r = runGenerate(options('alpha', 'dev'), { project: 'alpha', target: 'generate', configuration: 'dev' }, context, newSession(root));
    expect(r).toEqual({ success: true, lines: ['alpha (dev, provisioners workspace): 4 objects in namespace payments -> dist/manifests/dev/alpha/manifests.yaml'] });
    const yaml = readFileSync(out(root, 'dev', 'alpha'), 'utf8');
    expect(yaml).toContain('kind: ConfigMap');
    expect(yaml).toContain('MODE: fast');
    expect(existsSync(out(root, 'staging', 'alpha'))).toBe(false);
  });

  it('renders every deployed environment without a configuration and cleans stale renders of the service', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    mkdirSync(join(root, 'dist/manifests/qa/alpha'), { recursive: true });
    writeFileSync(join(root, 'dist/manifests/qa/alpha/manifests.yaml'), 'stale');
    mkdirSync(join(root, 'dist/manifests/preview/pr-3/alpha'), { recursive: true });
    const r = runGenerate(options('alpha'), { project: 'alpha', target: 'generate', configuration: undefined }, context, newSession(root));
    expect(r.success).toBe(true);
    expect(r.lines).toHaveLength(3);
    for (const env of ['dev', 'staging', 'prod']) expect(existsSync(out(root, env, 'alpha'))).toBe(true);
    expect(existsSync(join(root, 'dist/manifests/qa/alpha'))).toBe(false);
    expect(existsSync(join(root, 'dist/manifests/preview/pr-3/alpha'))).toBe(true);
  });

  it('renders nothing, after cleaning, for an environment the service does not deploy to', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    writeFiles(root, { 'dist/manifests/dev/gamma/manifests.yaml': 'stale' });
    const r = runGenerate(options('gamma', 'dev'), { project: 'gamma', target: 'generate', configuration: 'dev' }, context, newSession(root));
    expect(r).toEqual({ success: true, lines: ['gamma does not deploy to dev (service-config.yaml): nothing to render'] });
    expect(existsSync(join(root, 'dist/manifests/dev/gamma'))).toBe(false);
  });

  it('renders a preview per pull request, and needs the number', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    const task = { project: 'beta', target: 'preview', configuration: undefined };
    expect(runGenerate(options('beta', undefined, 'preview'), task, context, newSession(root)).lines).toEqual([
      'beta:preview: a preview render needs the pull request number: --pr=<number>',
    ]);
    const r = runGenerate({ ...options('beta', undefined, 'preview'), pr: 12 }, task, context, newSession(root));
    expect(r.lines).toEqual(['beta (preview #12, provisioners workspace): 2 objects in namespace payments-pr-12 -> dist/manifests/preview/pr-12/beta/manifests.yaml']);
  });

  it('refuses unknown environments and configurations, and preview environments on generate', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    const session = newSession(root);
    expect(runGenerate({ ...options('alpha'), environment: 'qa' }, { project: 'alpha', target: 'generate', configuration: undefined }, context, session).lines[0]).toBe(
      "alpha:generate: unknown environment 'qa' (environments/ defines: dev, preview, prod, staging)",
    );
    expect(runGenerate(options('alpha'), { project: 'alpha', target: 'generate', configuration: 'qa' }, context, session).lines[0]).toContain("unknown configuration 'qa'");
    expect(runGenerate({ ...options('beta'), environment: 'preview' }, { project: 'beta', target: 'generate', configuration: undefined }, context, session).lines[0]).toContain(
      'is a preview environment',
    );
  });

  it('reports engine errors as the task’s failure', () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    writeFiles(root, { 'services/alpha/score.yaml': readFileSync(join(root, 'services/alpha/score.yaml'), 'utf8').replace('type: config', 'type: nosuch') });
    const r = runGenerate(options('alpha', 'dev'), { project: 'alpha', target: 'generate', configuration: 'dev' }, context, newSession(root));
    expect(r.success).toBe(false);
    expect(r.lines[0]).toMatch(/^services\/alpha\/score\.yaml:\d+:\d+: /);
  });

  it('renders a batch in one process and streams a result per task', async () => {
    const { root, context, options } = setup(withoutPin(sampleWorkspace()));
    const ids = ['alpha:generate', 'beta:generate:dev', 'gamma:generate'];
    const taskGraph = {
      roots: ids,
      dependencies: {},
      continuousDependencies: {},
      tasks: Object.fromEntries(
        ids.map((id) => {
          const [project, target, configuration] = id.split(':');
          return [id, { id, target: { project, target, ...(configuration ? { configuration } : {}) }, overrides: {}, outputs: [], parallelism: true }];
        }),
      ),
    } as unknown as TaskGraph;
    const inputs = { 'alpha:generate': options('alpha'), 'beta:generate:dev': options('beta', 'dev'), 'gamma:generate': options('gamma') };
    const results = [];
    for await (const r of generateBatch(taskGraph, inputs, options('alpha'), context)) results.push(r);
    expect(results.map((r) => [r.task, r.result.success])).toEqual([
      ['alpha:generate', true],
      ['beta:generate:dev', true],
      ['gamma:generate', true],
    ]);
    expect(existsSync(out(root, 'prod', 'gamma'))).toBe(true);
  });
});

describe('generate hasher', () => {
  it('fingerprints each rendered environment: a workspace library edit leaves pinned environments alone', () => {
    const { root, context } = setup();
    const task = (configuration?: string) => ({ id: 'alpha:generate', target: { project: 'alpha', target: 'generate', ...(configuration ? { configuration } : {}) }, overrides: {} });
    const nodes = (configuration?: string) =>
      score(task(configuration) as never, { projectsConfigurations: context.projectsConfigurations } as never, 'services/alpha', new WorkspaceState(root));
    const before = { prod: nodes('prod'), dev: nodes('dev'), all: nodes() };
    expect(Object.keys(before.all).sort()).toEqual(['score:dev', 'score:dev:sharing', 'score:engine', 'score:prod', 'score:prod:sharing', 'score:staging', 'score:staging:sharing']);
    expect(before.prod['score:prod']).toMatch(/^1\.0\.0@2{40};env@[0-9a-f]{16}$/);
    expect(before.dev['score:dev']).toMatch(/^workspace@[0-9a-f]{64};env@[0-9a-f]{16}$/);
    writeFiles(root, { 'provisioners/config/outputs.yaml.njk': 'name: changed\n' });
    expect(nodes('prod')).toEqual(before.prod);
    expect(nodes('dev')).not.toEqual(before.dev);
    expect(nodes()).not.toEqual(before.all);
    writeFiles(root, { 'environments/prod.yaml': `${readFileSync(join(root, 'environments/prod.yaml'), 'utf8')}# edited\n` });
    expect(nodes('prod')).not.toEqual(before.prod);
  });

  it("changes a render's key when another service starts sharing its namespace, and only then", () => {
    const { root, context } = setup();
    // gamma is alone in namespace search (alpha and beta share payments).
    const task = { id: 'gamma:generate', target: { project: 'gamma', target: 'generate', configuration: 'prod' }, overrides: {} };
    const sharing = () => score(task as never, { projectsConfigurations: context.projectsConfigurations } as never, 'services/gamma', new WorkspaceState(root))['score:prod:sharing'];
    expect(sharing()).toBe('own-ns');
    // Each WorkspaceState (one per nx process) reads the others' parses from the scan memo: the keys below must
    // still follow the files' content.
    expect(existsSync(join(root, '.nx/workspace-data/score-nx-scan.bin'))).toBe(true);
    const delta = (ns: string) => ({ 'services/delta/score.yaml': `apiVersion: score.dev/v1b1\nmetadata: {name: delta, engineNamespace: ${ns}}\ncontainers: {main: {image: nginx}}\n` });
    writeFiles(root, delta('elsewhere'));
    expect(sharing()).toBe('own-ns');
    writeFiles(root, delta('search'));
    expect(sharing()).toBe('shared-ns:search');
    // Back out of the namespace: the memo holds both versions' parses, the key follows the file.
    writeFiles(root, delta('elsewhere'));
    expect(sharing()).toBe('own-ns');
  });

  it("keeps the scan memo where NX_WORKSPACE_DATA_DIRECTORY says, salted with the engine's fingerprint", () => {
    const saved = process.env['NX_WORKSPACE_DATA_DIRECTORY'];
    try {
      process.env['NX_WORKSPACE_DATA_DIRECTORY'] = 'elsewhere/data';
      expect(scanMemo('/ws')).toEqual({ file: '/ws/elsewhere/data/score-nx-scan.bin', salt: generatorFingerprint(), alsoRead: ['/ws/elsewhere/data/score-nx-nodes.bin'] });
      expect(scanMemo('/ws', 'nodes').alsoRead).toEqual(['/ws/elsewhere/data/score-nx-scan.bin']);
      delete process.env['NX_WORKSPACE_DATA_DIRECTORY'];
      expect(scanMemo('/ws').file).toBe('/ws/.nx/workspace-data/score-nx-scan.bin');
    } finally {
      if (saved === undefined) delete process.env['NX_WORKSPACE_DATA_DIRECTORY'];
      else process.env['NX_WORKSPACE_DATA_DIRECTORY'] = saved;
    }
  });
});

/** The same workspace with prod on the workspace library (a pinned release needs git objects to render). */
function withoutPin(files: Record<string, string>): Record<string, string> {
  return { ...files, 'environments/prod.yaml': files['environments/prod.yaml']!.replace('provisioners: 1.0.0', 'provisioners: workspace') };
}
