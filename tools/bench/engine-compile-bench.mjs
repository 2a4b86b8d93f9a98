#!/usr/bin/env node
// The engine floor of two checkouts on one workspace (issue 12: one compiled nunjucks environment per provisioner
// definition instead of a compile per resource of every service). Each checkout's own tools/bench/engine-floor.mjs
// renders every service of <workspace> for every environment in one process, with that checkout's engine; runs are
// paired and interleaved (the order alternates within pairs), and the CPU (user + sys, from /usr/bin/time) of each
// process is compared by medians. The two renders must be byte-identical first, or the comparison means nothing.
//
// Usage: node tools/bench/engine-compile-bench.mjs <baseline-checkout> <candidate-checkout> <workspace> [pairs=9]
// <workspace> may be grown first with --replicate K: each services/<name> is copied K times as <name>-r<i> (in place:
// give it a throw-away checkout).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAverage, median } from './stats.mjs';

const args = process.argv.slice(2);
const replicateAt = args.indexOf('--replicate');
const replicas = replicateAt >= 0 ? Number(args.splice(replicateAt, 2)[1]) : 0;
const [baseline, candidate, workspace, pairsArg] = args;
if (!baseline || !candidate || !workspace) {
  console.error('usage: engine-compile-bench.mjs <baseline-checkout> <candidate-checkout> <workspace> [pairs] [--replicate K]');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 9);

if (replicas > 0) {
  const services = join(workspace, 'services');
  for (const name of readdirSync(services).filter((n) => !/-r\d+$/.test(n))) {
    for (let i = 1; i <= replicas; i++) {
      const copy = join(services, `${name}-r${i}`);
      cpSync(join(services, name), copy, { recursive: true });
      const score = join(copy, 'score.yaml');
      // Every mention of the service's own name (metadata.name, names scoped to it such as secret paths).
      writeFileSync(score, readFileSync(score, 'utf8').replace(new RegExp(`(?<![\\w-])${name}(?![\\w-])`, 'g'), `${name}-r${i}`));
    }
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'score-nx-compile-bench-'));
function run(checkout, out) {
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'node', join(checkout, 'tools/bench/engine-floor.mjs'), workspace, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${checkout}: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { cpu: user + sys, renders: r.stdout.trim() };
}

const first = run(baseline, join(scratch, 'a'));
run(candidate, join(scratch, 'b'));
try {
  execFileSync('diff', ['-r', join(scratch, 'a'), join(scratch, 'b')], { stdio: 'pipe' });
} catch (err) {
  throw new Error(`the two checkouts render differently:\n${String(err.stdout).slice(0, 2000)}`);
}
console.log(`workspace: ${first.renders} per run; ${pairs} pairs; load before: ${loadAverage()}`);
const a = [];
const b = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  for (const which of order) (which === 'a' ? a : b).push(run(which === 'a' ? baseline : candidate, join(scratch, which)).cpu);
}
rmSync(scratch, { recursive: true, force: true });
const ratios = a.map((x, i) => b[i] / x);
console.log(`baseline CPU-s (user+sys) median ${median(a).toFixed(2)}  [${a.map((x) => x.toFixed(2)).join(' ')}]`);
console.log(`candidate CPU-s (user+sys) median ${median(b).toFixed(2)}  [${b.map((x) => x.toFixed(2)).join(' ')}]`);
console.log(`candidate / baseline: ratio of medians ${(median(b) / median(a)).toFixed(3)}, median of paired ratios ${median(ratios).toFixed(3)}`);
console.log(`load after: ${loadAverage()}`);
