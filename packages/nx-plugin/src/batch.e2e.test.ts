import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePluginBuilt } from './test-support/build';
import { runNx } from './test-support/nx';
import { nxGitWorkspace, type NxGitWorkspace } from './test-support/nx-workspace';
import { sampleWorkspace, service, writeFiles } from './test-support/workspace';

/**
 * Batch mode (what makes run-many fast: every generate task of a run in one process) when a batch is not the happy
 * whole: one task of it fails, or Nx runs only part of the tasks in it (the others come from the cache or are left
 * out of the run). The real nx binary on the compiled plugin, as in e2e.test.ts.
 */
const repoRoot = resolve(__dirname, '../../..');
let root = '';
let dispose = () => {};

// Batch mode and the task cache as configured (the defaults), whatever the calling shell sets.
const nx = (args: string[]) => runNx(repoRoot, root, args, { NX_BATCH_MODE: '', NX_SKIP_NX_CACHE: '' });
const ok = (args: string[]) => {
  const r = nx(args);
  if (r.code !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.code}):\n${r.out}`);
  return r.out;
};
let commit: NxGitWorkspace['commit'] = () => {};
const manifests = (env: string, svc: string) => join(root, 'dist/manifests', env, svc, 'manifests.yaml');
/** The tasks nx printed as taken from the cache. */
const fromCache = (out: string) => [...out.matchAll(/nx run (\S+)\s+\[(?:local cache|existing outputs match the cache, left as is)\]/g)].map((m) => m[1]!).sort();

/** A service whose render fails inside the batch (a resource type no provisioner provides), not in createNodes. */
const BROKEN_DELTA = service('services/delta', { name: 'delta', namespace: 'search' })['services/delta/score.yaml']! + 'resources:\n  queue:\n    type: no-such-type\n';

describe('batch mode (real nx binary)', { timeout: 180_000 }, () => {
  beforeAll(() => {
    ensurePluginBuilt(repoRoot);
    ({ root, dispose, commit } = nxGitWorkspace(repoRoot, 'e2e-batch', { ...sampleWorkspace(), 'services/delta/score.yaml': BROKEN_DELTA }));
  }, 60_000);
  afterAll(() => dispose());

  it('one failing task of a batch fails alone: the others finish, are written and cached', () => {
    const first = nx(['run-many', '-t', 'generate']);
    expect(first.code).not.toBe(0);
    expect(first.out).toContain('Running 4 tasks with @score-nx/nx-plugin:generate'); // one batch
    expect(first.out).toMatch(/Failed tasks:\s+- delta:generate\s/);
    expect(first.out).toMatch(/services\/delta\/score\.yaml:\d+:\d+: resources\.queue\.type: must be one of 'config' or 'service'/);
    expect(first.out).not.toMatch(/- (alpha|beta|gamma):generate/);
    for (const [env, svc] of [['dev', 'alpha'], ['prod', 'alpha'], ['staging', 'beta'], ['prod', 'gamma']] as const) expect(existsSync(manifests(env, svc))).toBe(true);
    expect(existsSync(join(root, 'dist/manifests/dev/delta'))).toBe(false); // nothing half-written for the failed one

    // Again: the three that succeeded come from the cache, the failed one is run (and fails) again.
    const second = nx(['run-many', '-t', 'generate']);
    expect(second.code).not.toBe(0);
    expect(fromCache(second.out)).toEqual(['alpha:generate', 'beta:generate', 'gamma:generate']);
    expect(second.out).toMatch(/Failed tasks:\s+- delta:generate\s/);

    // Fixed: only delta runs, as a batch of one, and then everything is cached.
    writeFiles(root, service('services/delta', { name: 'delta', namespace: 'search' }));
    const fixed = ok(['run-many', '-t', 'generate']);
    expect(fromCache(fixed)).toEqual(['alpha:generate', 'beta:generate', 'gamma:generate']);
    expect(readFileSync(manifests('dev', 'delta'), 'utf8')).toContain('kind: Deployment');
    expect(fromCache(ok(['run-many', '-t', 'generate']))).toEqual(['alpha:generate', 'beta:generate', 'delta:generate', 'gamma:generate']);
    commit('delta fixed');
  });

  it('a batch Nx splits (a subset run first, the rest from one process later) renders and caches each task once', () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    ok(['reset']);
    // Part of the tasks: a batch of two, in one process.
    const part = ok(['run-many', '-t', 'generate', '-p', 'alpha,gamma', '--parallel=1']);
    expect(part).toContain('Running 2 tasks with @score-nx/nx-plugin:generate');
    expect(existsSync(manifests('prod', 'gamma'))).toBe(true);
    expect(existsSync(manifests('dev', 'beta'))).toBe(false);
    // The whole run: the two are cache hits, the batch holds only the other two.
    const rest = ok(['run-many', '-t', 'generate', '--parallel=3']);
    expect(fromCache(rest)).toEqual(['alpha:generate', 'gamma:generate']);
    expect(rest).toContain('Running 2 tasks with @score-nx/nx-plugin:generate');
    expect(rest).toContain('Successfully ran target generate for 4 projects');
    for (const [env, svc] of [['dev', 'beta'], ['staging', 'delta'], ['dev', 'alpha'], ['prod', 'gamma']] as const) expect(existsSync(manifests(env, svc))).toBe(true);
    // One configuration across the batch, then every environment: separate cache entries, each restored alone.
    const prod = ok(['run-many', '-t', 'generate', '-c', 'prod']);
    expect(prod).toContain('Running 4 tasks with @score-nx/nx-plugin:generate');
    rmSync(join(root, 'dist'), { recursive: true });
    expect(fromCache(ok(['run-many', '-t', 'generate', '-c', 'prod']))).toEqual(['alpha:generate:prod', 'beta:generate:prod', 'delta:generate:prod', 'gamma:generate:prod']);
    expect(existsSync(manifests('prod', 'beta'))).toBe(true);
    expect(existsSync(manifests('dev', 'beta'))).toBe(false); // the prod entry restores only prod
    expect(fromCache(ok(['run-many', '-t', 'generate']))).toEqual(['alpha:generate', 'beta:generate', 'delta:generate', 'gamma:generate']);
    expect(existsSync(manifests('dev', 'beta'))).toBe(true);
  });
});
