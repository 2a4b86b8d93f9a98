#!/usr/bin/env node
// Benchmark of `score-nx diff` on a synthetic workspace (workspace.mjs): this checkout's CLI against another
// revision's (default main), both built from their own `npm ci` in a temp worktree, so neither borrows the other's
// engine. The change diffed: the configmap provisioner's sync wave, edited in the working tree (half the services
// render differently in dev and staging; prod pins library 1.0.0 and does not). Every environment, HEAD against
// the working tree: services × 3 environments × 2 sides renders.
// Paired and interleaved (A B, B A, A B, …, so a drift of the shared machine's speed falls on both), wall time of
// each whole process; medians, the median of the per-pair ratios, and the load average before and after.
// The two CLIs' reports must be identical (text format: both print the same for changed objects).
// Also one run of this checkout's CLI under script(1), a pseudo-terminal, to count the progress bar's redraws.
//
// Usage: node tools/bench/diff-bench.mjs [--services 200] [--runs 5] [--against main] [--keep] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticWorkspace } from './workspace.mjs';
import { loadAverage, median, option } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const N = Number(option('services', '200'));
const runs = Number(option('runs', '5'));
const against = option('against', 'main');
const keep = args.includes('--keep');
const asJson = args.includes('--json');
const mine = join(repoRoot, 'packages/cli/bin/score-nx.js');
if (!existsSync(join(repoRoot, 'packages/cli/dist/diff-worker.js'))) {
  console.error('packages/cli is not built: run npm run build');
  process.exit(1);
}

// ---- the other revision's CLI, built in its own worktree ------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'score-nx-diff-bench-'));
const otherTree = join(tmp, 'other');
let root;
// Whatever ends the run (a failed check included), the temp worktree and workspace go, unless --keep.
process.on('exit', () => {
  if (keep) return console.log(`workspace kept at ${root}, ${against} at ${otherTree}`);
  if (root) rmSync(root, { recursive: true, force: true });
  spawnSync('git', ['-C', repoRoot, 'worktree', 'remove', '--force', otherTree], { stdio: 'pipe' });
  rmSync(tmp, { recursive: true, force: true });
});
execFileSync('git', ['-C', repoRoot, 'worktree', 'add', '--detach', '--quiet', otherTree, against], { stdio: 'pipe' });
const otherCommit = execFileSync('git', ['-C', otherTree, 'rev-parse', '--short', 'HEAD']).toString().trim();
execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: otherTree, stdio: 'pipe' });
const other = join(otherTree, 'packages/cli/bin/score-nx.js');

// ---- the workspace and the change ----------------------------------------------------------------------------
root = syntheticWorkspace(repoRoot, N);
const template = join(root, 'provisioners/configmap/manifests.yaml.njk');
const text = readFileSync(template, 'utf8');
if (!text.includes('argocd.argoproj.io/sync-wave: "-5"')) throw new Error(`${template}: no sync wave "-5" to edit`);
writeFileSync(template, text.replace('argocd.argoproj.io/sync-wave: "-5"', 'argocd.argoproj.io/sync-wave: "-6"'));

// ---- measuring -----------------------------------------------------------------------------------------------
const env = { ...process.env, NO_COLOR: '1' };
delete env.CI;
function time(cli) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'diff'], { cwd: root, env, maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cli} diff exited ${r.status}: ${r.stderr}`);
  return { seconds, stdout: r.stdout.toString() };
}
const loadBefore = loadAverage();
// One warm-up of each (file cache, JIT), not counted; their reports are compared.
const warmOther = time(other);
const warmMine = time(mine);
if (warmOther.stdout !== warmMine.stdout) throw new Error('the two CLIs report differently; a benchmark of different work is no comparison');
const changedServices = new Set(warmMine.stdout.split('\n').filter((l) => /^\S+ \(\w+\): /.test(l)).map((l) => l.split(' ')[0])).size;
const pairs = [];
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ['other', 'mine'] : ['mine', 'other'];
  const t = {};
  for (const who of order) t[who] = time(who === 'mine' ? mine : other).seconds;
  pairs.push(t);
}
const loadAfter = loadAverage();

// The progress bar, as a person at a terminal sees it: script(1) gives the CLI a pseudo-terminal.
let progressFrames;
if (existsSync('/usr/bin/script')) {
  const r = spawnSync('/usr/bin/script', ['-qec', `${process.execPath} ${mine} diff -o /dev/null`, '/dev/null'], { cwd: root, env, maxBuffer: 1 << 30 });
  progressFrames = (r.stdout.toString().match(/score-nx diff \[/g) ?? []).length;
}

const result = {
  services: N,
  renders: N * 3 * 2,
  changedServices,
  cpus: availableParallelism(),
  against: `${against} (${otherCommit})`,
  runs,
  medianSeconds: { [against]: median(pairs.map((p) => p.other)), thisCheckout: median(pairs.map((p) => p.mine)) },
  medianRatio: median(pairs.map((p) => p.other / p.mine)),
  pairs,
  loadBefore,
  loadAfter,
  progressFrames,
};
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`score-nx diff, ${N} services (${result.renders} renders, ${changedServices} services changed), ${result.cpus} CPUs, ${runs} interleaved pairs`);
  console.log(`  ${against} (${otherCommit})  median ${result.medianSeconds[against].toFixed(2)} s`);
  console.log(`  this checkout  median ${result.medianSeconds.thisCheckout.toFixed(2)} s`);
  console.log(`  ratio ${against}/this (median of pairs) ${result.medianRatio.toFixed(2)}`);
  console.log(`  load average before ${loadBefore}, after ${loadAfter}`);
  if (progressFrames !== undefined) console.log(`  progress bar frames on a pseudo-terminal: ${progressFrames}`);
}
