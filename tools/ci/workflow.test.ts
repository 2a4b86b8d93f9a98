import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { shardProjects } from './shard.mjs';
import { truthy } from '@actions/expressions/result';
import { evaluate, git, parseCommandFile, readWorkflow, runJob } from './workflow-runner';
import type { JobResult, RunnerEvent, Workflow } from './workflow-runner';

/**
 * The CI workflow, run: its own `run:` steps, read from .github/workflows/*.yml, in a temporary clone of this
 * repository with the variables a runner sets. Green on a healthy change, red when the shard step or a render fails.
 */
const REPO = resolve(__dirname, '../..');
const WORKFLOWS = join(REPO, '.github/workflows');
const workflowFiles = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const manifests: Workflow = readWorkflow(join(WORKFLOWS, 'manifests.yml'));

describe('workflow files', () => {
  it.each(workflowFiles)('%s passes action-validator (the workflow schema)', (file) => {
    const r = spawnSync(join(REPO, 'node_modules/.bin/action-validator'), [join(WORKFLOWS, file)], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('action-validator does reject a broken workflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'score-nx-wf-'));
    try {
      const broken = readFileSync(join(WORKFLOWS, 'manifests.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    stepz: []');
      writeFileSync(join(dir, 'broken.yml'), broken);
      const r = spawnSync(join(REPO, 'node_modules/.bin/action-validator'), [join(dir, 'broken.yml')], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(workflowFiles)('%s: least privilege at the top, actions pinned to commit ids with their release', (file) => {
    const text = readFileSync(join(WORKFLOWS, file), 'utf8');
    const wf = readWorkflow(join(WORKFLOWS, file));
    expect(wf.permissions).toEqual({ contents: 'read' });
    const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      expect(ref, ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(rest, ref).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
    }
  });

  it.each(workflowFiles)('%s: every run step stops at the first failing command', (file) => {
    const wf = readWorkflow(join(WORKFLOWS, file));
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.run !== undefined)) {
        expect(step.run!.split('\n')[0], step.name).toBe('set -euo pipefail');
        // A command substitution inside an argument hides the inner command's failure.
        expect(step.run, step.name).not.toMatch(/\becho\b[^\n]*\$\(/);
        expect(step.run, step.name).not.toMatch(/\$\{\{/);
      }
    }
  });
});

describe('the runner stand-in', () => {
  it('evaluates conditions with GitHub expression semantics', () => {
    const ctx = { steps: { shard: { outputs: { projects: '' } } }, github: { event_name: 'push' }, secrets: { W: 'w', R: 'r' } };
    expect(truthy(evaluate("always() && steps.shard.outputs.projects != ''", ctx))).toBe(false);
    expect(evaluate("github.event_name == 'push' && secrets.W || secrets.R", ctx).coerceString()).toBe('w');
    expect(truthy(evaluate('failure()', ctx, true))).toBe(true);
  });

  it('reads GITHUB_OUTPUT files, including multi-line values', () => {
    expect(parseCommandFile('a=1\nb<<EOF\nx\ny\nEOF\nc=k=v\n')).toEqual({ a: '1', b: 'x\ny', c: 'k=v' });
    expect(() => parseCommandFile('oops\n')).toThrow('not a key=value line: oops');
  });
});

let root = '';
let clone = '';
let mainSha = '';

/** The machine's variables a job inherits: no CI-specific Nx settings from this process leak in. */
function machineEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'npm_config_cache'];
  const env: Record<string, string> = { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return env;
}

function pullRequest(head: string): RunnerEvent {
  return { name: 'pull_request', ref: 'refs/pull/42/merge', baseRef: 'main', headRef: head, number: 42, shas: { base: mainSha, head: git(clone, ['rev-parse', 'HEAD']) } };
}

function render(shard: number, event: RunnerEvent): JobResult {
  return runJob({ workflow: manifests, jobName: 'render', workspace: clone, event, matrix: { shard }, machineEnv: machineEnv() });
}

// What a change to my-service affects: the service, and the platform's shared output (it depends on every service).
const AFFECTED = ['my-service', 'platform-shared'];
const shardOf = (project: string) => [1, 2, 3, 4].find((i) => (shardProjects(AFFECTED, i, 4) as string[]).includes(project))!;
const step = (job: JobResult, name: string) => job.steps.find((s) => s.name === name)!;

describe('the manifests workflow, run in a clone', { timeout: 600_000 }, () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'score-nx-ci-'));
    clone = join(root, 'repo');
    git(root, ['clone', '--quiet', '--no-hardlinks', REPO, clone]);
    // The clone gets this working tree as it is (uncommitted edits included), committed as main.
    const listed = git(REPO, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0').filter(Boolean);
    for (const file of listed) {
      const target = join(clone, file);
      if (existsSync(join(REPO, file))) {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(join(REPO, file), target);
      } else rmSync(target, { force: true });
    }
    git(clone, ['checkout', '--quiet', '-B', 'main']);
    git(clone, ['add', '-A']);
    git(clone, ['commit', '--quiet', '--allow-empty', '-m', 'working tree']);
    mainSha = git(clone, ['rev-parse', 'HEAD']);
    git(clone, ['update-ref', 'refs/remotes/origin/main', mainSha]);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  // Validation reads the workspace's own schemas/, which the clone has: nothing beside it is needed.
  it('is green on a healthy change: render shards and the PR diff', () => {
    git(clone, ['checkout', '--quiet', '-B', 'healthy', mainSha]);
    const file = join(clone, 'services/my-service/score.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}# a healthy change\n`);
    git(clone, ['commit', '--quiet', '-am', 'healthy change']);
    const event = pullRequest('healthy');
    const busy = shardOf('my-service');
    const idle = [1, 2, 3, 4].find((i) => AFFECTED.every((p) => shardOf(p) !== i))!;

    const job = render(busy, event);
    expect(job.result, job.log).toBe('success');
    expect(step(job, 'Projects of this shard').outputs['projects']).toBe(AFFECTED.filter((p) => shardOf(p) === busy).join(','));
    expect(stripVTControlCharacters(step(job, 'Generate and validate').log)).toContain('Successfully ran targets generate, validate for project my-service');
    expect(existsSync(join(clone, 'dist/manifests/prod/my-service/manifests.yaml'))).toBe(true);
    expect(readFileSync(join(clone, 'dist/validation/prod.xml'), 'utf8')).toContain('<testsuites');
    expect(step(job, 'Upload validation reports').outcome).toBe('success');

    const empty = render(idle, event);
    expect(empty.result, empty.log).toBe('success');
    expect(step(empty, 'Projects of this shard').outputs['projects']).toBe('');
    expect(step(empty, 'Generate and validate').log).toContain('nothing to render in this shard');
    expect(step(empty, 'Validation reports (junit)').outcome).toBe('skipped');

    const ownership = runJob({ workflow: manifests, jobName: 'ownership', workspace: clone, event, machineEnv: machineEnv() });
    expect(ownership.result, ownership.log).toBe('success');
    expect(step(ownership, 'Workspace check').log).toContain('every object and hostname has one owner');

    const diff = runJob({ workflow: manifests, jobName: 'diff', workspace: clone, event, machineEnv: machineEnv() });
    expect(diff.result, diff.log).toBe('success');
    expect(readFileSync(join(clone, 'diff.md'), 'utf8')).toMatch(/^#/);
    const onMain = runJob({ workflow: manifests, jobName: 'diff', workspace: clone, event: { ...event, name: 'push', ref: 'refs/heads/main' }, machineEnv: machineEnv() });
    expect(onMain.result).toBe('skipped');
  });

  it('is red when the shard step fails, and renders nothing', () => {
    git(clone, ['checkout', '--quiet', '-B', 'shallow-base', mainSha]);
    // What a shallow checkout gives nx-set-shas: a base commit the clone does not have.
    const job = render(1, { ...pullRequest('shallow-base'), shas: { base: 'f'.repeat(40), head: mainSha } });
    expect(job.result).toBe('failure');
    expect(step(job, 'Projects of this shard').outcome).toBe('failure');
    expect(step(job, 'Projects of this shard').log).toContain('shard: Command failed');
    expect(step(job, 'Generate and validate').outcome).toBe('skipped');
    expect(step(job, 'Validation reports (junit)').outcome).toBe('skipped');
  });

  it('is red when two services claim one hostname, naming both (the ownership job)', () => {
    git(clone, ['checkout', '--quiet', '-B', 'same-host', mainSha]);
    const ledger = join(clone, 'services/ledger-api/score.yaml');
    writeFileSync(ledger, readFileSync(ledger, 'utf8').replace('      aliases:\n        - ledger\n', '      aliases:\n        - ledger\n        - my-service\n'));
    git(clone, ['commit', '--quiet', '-am', 'ledger-api takes my-service as an alias']);
    const job = runJob({ workflow: manifests, jobName: 'ownership', workspace: clone, event: pullRequest('same-host'), machineEnv: machineEnv() });
    expect(job.result).toBe('failure');
    const log = step(job, 'Workspace check').log;
    expect(log).toContain(
      'dev: hostname my-service.dev.internal.example.com is claimed by ledger-api (dist/manifests/dev/ledger-api/manifests.yaml) and my-service (dist/manifests/dev/my-service/manifests.yaml)',
    );
  });

  it('is red when a render fails, naming the file', () => {
    git(clone, ['checkout', '--quiet', '-B', 'broken', mainSha]);
    const file = join(clone, 'services/my-service/score.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\ncontainers:\n/, '\ncontainers:\n  broken:\n    image: nginx\n    variables:\n      X: ${resources.missing.host}\n'));
    git(clone, ['commit', '--quiet', '-am', 'broken change']);
    const job = render(shardOf('my-service'), pullRequest('broken'));
    expect(job.result).toBe('failure');
    expect(step(job, 'Projects of this shard').outputs['projects']).toBe(AFFECTED.filter((p) => shardOf(p) === shardOf('my-service')).join(','));
    const generate = step(job, 'Generate and validate');
    expect(generate.outcome).toBe('failure');
    expect(generate.log).toContain("services/my-service/score.yaml:");
    expect(generate.log).toContain("no known resource 'missing'");
  });
});
