#!/usr/bin/env node
// Benchmark of the Nx plugin (packages/nx-plugin): synthesises N services in a temp git workspace whose
// node_modules links to this repository's, then times, with and without batch mode:
//   cold    nx run-many -t generate          (every environment of every service; no task cache)
//   cached  the same again                   (every task from the cache)
//   one     nx affected -t generate          (one service's score.yaml edited)
// With --validate (needs the shared schemas, --shared <dir>, default ../shared): after the generate steps of each
// mode, `nx run-many -t validate` with the admission checks (CRD CEL rules, native validation, references, the
// repository's policies/) off and on, in interleaved pairs (--runs, default 3):
//   validate cold    every validate task, no task cache (--skip-nx-cache), empty validator compile cache, the
//                    renders already in dist (--excludeTaskDependencies: generate is not re-run)
//   validate cached  every validate task (and its generate) from the Nx cache
// Wall time and peak RSS (of nx and all its children, from /usr/bin/time -v, else sampled from /proc).
// The plugin must be built (npm ci does it; or: npx tsc -b packages/nx-plugin).
//
// Usage: node tools/bench/nx-bench.mjs [--services 500] [--modes nobatch,batch,batch-inprocess] [--validate]
//        [--runs 3] [--shared ../shared] [--keep] [--json]
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { syntheticWorkspace } from './workspace.mjs';
import { loadAverage, option } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const N = Number(option('services', '500'));
const modes = option('modes', 'nobatch,batch').split(',');
const keep = args.includes('--keep');
const asJson = args.includes('--json');
const withValidate = args.includes('--validate');
const runs = Number(option('runs', '3'));
const shared = resolve(repoRoot, option('shared', '../shared'));
if (withValidate && !existsSync(join(shared, 'schemas'))) {
  console.error(`--validate needs the Kubernetes and CRD schemas: ${join(shared, 'schemas')} is missing (--shared <dir>)`);
  process.exit(1);
}

const require = createRequire(join(repoRoot, 'package.json'));
if (!existsSync(join(repoRoot, 'packages/nx-plugin/dist/index.js'))) {
  console.error('packages/nx-plugin is not built: run npx tsc -b packages/nx-plugin');
  process.exit(1);
}
const nxBin = join(repoRoot, 'node_modules/nx', require('nx/package.json').bin.nx);

// ---- the workspace -------------------------------------------------------------------------------------------
const root = syntheticWorkspace(repoRoot, N);
if (withValidate) {
  // The shared schemas (not in the workspace's schemas/) and the repository's policies, committed so that
  // `affected` sees a clean tree.
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
  nxJson.plugins[0].options.schemaLocations = [
    join(shared, 'schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json'),
    join(shared, 'schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
  ];
  writeFileSync(join(root, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qam', 'validate setup'], { cwd: root, stdio: 'pipe' });
  execFileSync('git', ['add', '-A'], { cwd: root, stdio: 'pipe' });
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'policies'], { cwd: root, stdio: 'pipe' });
}

// ---- measuring -----------------------------------------------------------------------------------------------
const hasTime = existsSync('/usr/bin/time');
const loadBefore = loadAverage();
const baseEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };

function measure(label, nxArgs, extraEnv = {}, script = nxBin) {
  return new Promise((done, fail) => {
    const argv = script === nxBin ? [script, ...nxArgs, '--outputStyle=static'] : [script, ...nxArgs];
    const cmd = hasTime ? '/usr/bin/time' : process.execPath;
    const cmdArgs = hasTime ? ['-v', process.execPath, ...argv] : argv;
    const start = process.hrtime.bigint();
    const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...baseEnv, ...extraEnv } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let sampledPeak = 0;
    // CPU ticks per process of the tree, last seen: /usr/bin/time misses the workers nx does not wait for.
    const ticks = new Map();
    const sampler = setInterval(() => {
      if (!hasTime) sampledPeak = Math.max(sampledPeak, treeRss(child.pid));
      for (const [pid, t] of treeTicks(child.pid)) ticks.set(pid, Math.max(ticks.get(pid) ?? 0, t));
    }, 50);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // /usr/bin/time reports the largest RSS of nx or of any single waited-for child (KB); the sampler sums the tree.
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const peakMb = m ? Number(m[1]) / 1024 : sampledPeak / 1024;
      // CPU of the process and its waited-for children (user + system), from /usr/bin/time -v.
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      const waited = user && sys ? Number(user[1]) + Number(sys[1]) : 0;
      const sampledCpu = [...ticks.values()].reduce((a, b) => a + b, 0) / TICKS_PER_SECOND;
      const cpu = Math.max(waited, sampledCpu);
      // eslint-disable-next-line no-control-regex
      out = out.replace(/\x1b\[[0-9;]*m/g, '');
      // Nx prints a line per task only for some of them when there are many: count from the summary.
      const total = /for (\d+) projects?/.exec(out) ?? /Running target \S+ for project/.exec(out);
      const fromCache = /for (\d+) out of (\d+) tasks/.exec(out);
      const ran = fromCache ? Number(fromCache[2]) : total && total[1] ? Number(total[1]) : new Set(out.match(/^> nx run \S+/gm) ?? []).size;
      const cached = fromCache ? Number(fromCache[1]) : 0;
      if (code !== 0) {
        console.error(`${label}: nx ${nxArgs.join(' ')} exited ${code}\n${out.slice(-3000)}\n${err.slice(-3000)}`);
        process.exit(1);
      }
      const command = script === nxBin ? `nx ${nxArgs.join(' ')}` : `node ${script.replace(`${repoRoot}/`, '')} ${nxArgs.map((a) => a.replace(root, '<ws>')).join(' ')}`;
      done({ label, command, seconds: Number(seconds.toFixed(2)), cpu: Number(cpu.toFixed(2)), sys: sys ? Number(sys[1]) : NaN, peakMb: Math.round(peakMb), tasks: ran, cached });
    });
  });
}

const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux

/** utime+stime (ticks) of pid and its descendants, from /proc. */
function treeTicks(pid) {
  const out = new Map();
  const parent = new Map();
  const own = new Map();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(p), Number(f[1]));
      own.set(Number(p), Number(f[11]) + Number(f[12]));
    } catch {
      /* gone */
    }
  }
  for (const [p] of own) {
    let q = p;
    while (q && q !== pid && parent.has(q)) q = parent.get(q);
    if (q === pid) out.set(p, own.get(p));
  }
  return out;
}

function treeRss(pid) {
  // Sum of RSS (KB) of pid and its descendants, from /proc.
  let total = 0;
  const children = new Map();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch {
      /* gone */
    }
  }
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      /* gone */
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

const results = [];
const floorScript = join(repoRoot, 'tools/bench/engine-floor.mjs');
const floor = await measure('engine floor: every render in one process', [root, join(root, 'floor-out')], {}, floorScript);
rmSync(join(root, 'floor-out'), { recursive: true, force: true });
results.push({ ...floor, mode: '-', tasks: 0, cached: 0 });
const graph = await measure('project graph (cold, no daemon)', ['show', 'projects', '--json']);
results.push({ ...graph, mode: '-' });
const edited = `services/svc-0001/score.yaml`;
for (const mode of modes) {
  // Cold: nx reset (no task cache, no project graph cache), no outputs. preferBatch makes batch the default for
  // this plugin's executors; NX_BATCH_MODE=false turns it off.
  // Mode `batch-inprocess`: batch, with the plugins loaded in the nx process instead of isolated workers.
  const env = { NX_BATCH_MODE: mode.startsWith('batch') ? 'true' : 'false', ...(mode.endsWith('-inprocess') ? { NX_ISOLATE_PLUGINS: 'false' } : {}) };
  execFileSync(process.execPath, [nxBin, 'reset'], { cwd: root, env: baseEnv, stdio: 'pipe' });
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  results.push({ mode, ...(await measure('cold: every service, every environment', ['run-many', '-t', 'generate'], env)) });
  results.push({ mode, ...(await measure('cached: the same again', ['run-many', '-t', 'generate'], env)) });
  const original = readFileSync(join(root, edited), 'utf8');
  writeFileSync(join(root, edited), original.replace('LOG_LEVEL: "info"', `LOG_LEVEL: "debug-${mode}"`));
  results.push({ mode, ...(await measure('one service changed: affected', ['affected', '-t', 'generate', '--base=HEAD'], env)) });
  writeFileSync(join(root, edited), original);
  if (withValidate) await benchValidate(mode, env);
}

/** validate with admission off and on, interleaved pairs; the median of each is reported. */
async function benchValidate(mode, env) {
  const samples = { cold: { off: [], on: [] }, cached: { off: [], on: [] } };
  for (let run = 0; run < runs; run++) {
    for (const admission of ['off', 'on']) {
      const flag = `--admission=${admission === 'on'}`;
      const cache = mkdtempSync(join(tmpdir(), 'score-nx-bench-compile-'));
      samples.cold[admission].push(await measure(`validate cold, admission ${admission}`, ['run-many', '-t', 'validate', '--excludeTaskDependencies', '--skip-nx-cache', flag], { ...env, SCORE_NX_KUBECONFORM_CACHE: cache }));
      rmSync(cache, { recursive: true, force: true });
      // The first cached run fills the task cache for this flag; the second one reads it.
      if (run === 0) await measure(`validate cached (filling), admission ${admission}`, ['run-many', '-t', 'validate', flag], env);
      samples.cached[admission].push(await measure(`validate cached, admission ${admission}`, ['run-many', '-t', 'validate', flag], env));
    }
  }
  // The run to report is one of the runs: the middle one (the lower middle of an even count), not a mean.
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const step of ['cold', 'cached']) {
    for (const admission of ['off', 'on']) {
      const list = samples[step][admission];
      const pick = list.find((r) => r.cpu === median(list.map((x) => x.cpu))) ?? list[0];
      results.push({ mode, ...pick, label: `validate ${step}, admission ${admission} (median of ${list.length}; wall ${list.map((r) => r.seconds).join(', ')}; CPU ${list.map((r) => r.cpu).join(', ')})` });
    }
  }
}

const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, services: N, environments: 3, tasks: N };
if (asJson) console.log(JSON.stringify({ machine, results }, null, 2));
else {
  console.log(`# nx-bench: ${N} services x 3 environments (dev, staging: workspace library; prod: pinned 1.0.0)`);
  console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, node ${machine.node}; peak RSS from ${hasTime ? '/usr/bin/time -v (largest single process)' : 'sampling /proc (sum of the process tree)'}`);
  console.log(`load before: ${loadBefore}; after: ${loadAverage()}`);
  console.log('| mode | step | wall (s) | CPU-s (sys) | CPU / engine floor | CPU / graph floor | peak RSS (MB) | tasks run / from cache | command |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const r of results) {
    const ratio = (ref) => (Number.isFinite(r.cpu) && ref.cpu > 0 ? `${(r.cpu / ref.cpu).toFixed(2)}×` : '-');
    console.log(`| ${r.mode} | ${r.label} | ${r.seconds} | ${r.cpu} (${r.sys}) | ${ratio(floor)} | ${ratio(graph)} | ${r.peakMb} | ${r.tasks - r.cached} / ${r.cached} | \`${r.command}\` |`);
  }
}
if (keep) console.log(`workspace kept at ${root}`);
else rmSync(root, { recursive: true, force: true });
