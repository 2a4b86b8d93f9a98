#!/usr/bin/env node
// Benchmark of the Nx plugin (packages/nx-plugin): for each size, synthesises N services in a temp git workspace
// whose node_modules links to this repository's, then measures, in interleaved pairs (--pairs, default 3), each step
// against its floor, measured in the same pair:
//   engine floor  tools/bench/engine-floor.mjs: every render in one process with the engine alone (one GenerateCache)
//   graph floor   nx show projects --json (the project graph, no daemon: what every nx command pays first)
//   cold          nx reset, no outputs, then nx run-many -t generate (every environment of every service) / engine floor
//   cached        the same again (every task from the cache)                                    / graph floor
//   affected      one service's score.yaml edited (uncommitted): nx affected -t generate --base=HEAD / graph floor
// CPU is user + system of the whole process tree (sampled from /proc every 50 ms, since /usr/bin/time misses the
// batch worker nx does not wait for), also split per process kind (nx, plugin workers, batch worker); peak RSS is
// the largest single process (/usr/bin/time -v) and the largest sum over the tree (sampled). Per size: the median
// of each figure, its floor's median, the ratio of the medians and the median of the paired ratios; across sizes,
// the cold cost ratio of each size to the first.
// With --validate (needs the shared schemas, --shared <dir>, default ../shared): after the generate pairs of each
// mode, `nx run-many -t validate` with the admission checks (CRD CEL rules, native validation, references, the
// repository's policies/) off and on, in interleaved pairs (--runs, default 3):
//   validate cold    every validate task, no task cache (--skip-nx-cache), empty validator compile cache, the
//                    renders already in dist (--excludeTaskDependencies: generate is not re-run)
//   validate cached  every validate task (and its generate) from the Nx cache
// The plugin must be built (npm ci does it; or: npx tsc -b packages/nx-plugin).
// The workspaces are made under the temp folder (TMPDIR): its filesystem is printed, since it decides much of the
// system time. On this project's machines /tmp is ext4 without a journal, mounted with discard, where a new inode
// skips every inode freed in the last minutes (the kernel's recently_deleted(), seen with perf): cold runs, which
// follow `nx reset` and the removal of dist/, then pay for every file Nx and the renders create. TMPDIR=/dev/shm
// measures the same runs on tmpfs.
//
// Usage: node tools/bench/nx-bench.mjs [--sizes 500,2000,5000 | --services 500] [--pairs 3 | --pairs 3,3,1] [--modes batch]
//        [--validate] [--runs 3] [--shared ../shared] [--keep] [--json]
// Modes: batch (the default: the plugin's executors set preferBatch), nobatch (NX_BATCH_MODE=false: one process per
// task, slow: ~640 s at 500 services), batch-inprocess (NX_ISOLATE_PLUGINS=false).
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { syntheticWorkspace } from './workspace.mjs';
import { sampleTree } from './process-tree.mjs';
import { loadAverage, median, option } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const sizes = option('sizes', option('services', '500')).split(',').map(Number);
// One count for every size, or one per size (--sizes 500,5000 --pairs 3,1).
const pairCounts = option('pairs', '3').split(',').map(Number);
const pairsOf = (i) => pairCounts[Math.min(i, pairCounts.length - 1)];
const modes = option('modes', 'batch').split(',');
const keep = args.includes('--keep');
const asJson = args.includes('--json');
const withValidate = args.includes('--validate');
const runs = Number(option('runs', '3'));
const shared = resolve(repoRoot, option('shared', '../shared'));
if (withValidate && !existsSync(join(shared, 'schemas'))) {
  console.error(`--validate needs the Kubernetes and CRD schemas: ${join(shared, 'schemas')} is missing (--shared <dir>)`);
  process.exit(1);
}
if (sizes.some((n) => !Number.isInteger(n) || n < 2) || pairCounts.some((p) => !Number.isInteger(p) || p < 1) || pairCounts.length > sizes.length) {
  console.error('--sizes takes service counts of at least 2 (e.g. 500,2000), --pairs a count of at least 1, or one per size (3,1)');
  process.exit(1);
}

const require = createRequire(join(repoRoot, 'package.json'));
if (!existsSync(join(repoRoot, 'packages/nx-plugin/dist/index.js'))) {
  console.error('packages/nx-plugin is not built: run npx tsc -b packages/nx-plugin');
  process.exit(1);
}
const nxBin = join(repoRoot, 'node_modules/nx', require('nx/package.json').bin.nx);

/** The synthetic workspace of one size (with the validate setup when --validate). */
function workspace(N) {
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
  return root;
}

// ---- measuring -----------------------------------------------------------------------------------------------
const hasTime = existsSync('/usr/bin/time');
const loadBefore = loadAverage();
const baseEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
const TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux
/** What a process of the tree is, from its command line. */
function kindOf(pid) {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* gone */
  }
  if (cmdline.includes('plugin-worker.js')) return 'plugin workers';
  if (cmdline.includes('run-batch.js')) return 'batch worker';
  if (cmdline.includes('run-executor.js')) return 'task processes';
  if (cmdline.includes('engine-floor.mjs')) return 'engine';
  if (/nx(\.js)?\0/.test(cmdline)) return 'nx';
  return 'other';
}

function measure(root, label, nxArgs, extraEnv = {}, script = nxBin) {
  return new Promise((done, fail) => {
    const argv = script === nxBin ? [script, ...nxArgs, '--outputStyle=static'] : [script, ...nxArgs];
    const cmd = hasTime ? '/usr/bin/time' : process.execPath;
    const cmdArgs = hasTime ? ['-v', process.execPath, ...argv] : argv;
    const start = process.hrtime.bigint();
    // stdout to a file, not a pipe: nx exits before Node has flushed a pipe, which lost the end of its output
    // (the summary that says how many tasks came from the cache) at 500 services and more.
    const outDir = mkdtempSync(join(tmpdir(), 'score-nx-bench-out-'));
    const outFd = openSync(join(outDir, 'stdout'), 'w');
    const child = spawn(cmd, cmdArgs, { cwd: root, env: { ...baseEnv, ...extraEnv }, stdio: ['ignore', outFd, 'pipe'] });
    closeSync(outFd);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let treePeakKb = 0;
    // Ticks per process of the tree, last seen, and its kind: /usr/bin/time misses the workers nx does not wait for.
    const procs = new Map();
    const sampler = setInterval(() => {
      const tree = sampleTree(child.pid);
      let rss = 0;
      for (const [p, s] of tree) {
        rss += s.rssKb;
        const seen = procs.get(p) ?? { user: 0, sys: 0, kind: kindOf(p) };
        procs.set(p, { ...seen, user: Math.max(seen.user, s.user), sys: Math.max(seen.sys, s.sys) });
      }
      treePeakKb = Math.max(treePeakKb, rss);
    }, 50);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      out = readFileSync(join(outDir, 'stdout'), 'utf8');
      rmSync(outDir, { recursive: true, force: true });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // /usr/bin/time reports the largest RSS of nx or of any single waited-for child (KB).
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      // CPU of the process and its waited-for children (user + system), from /usr/bin/time -v.
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      const waited = user && sys ? Number(user[1]) + Number(sys[1]) : 0;
      const byKind = {};
      let sampledUser = 0;
      let sampledSys = 0;
      for (const p of procs.values()) {
        const k = (byKind[p.kind] ??= { cpu: 0, sys: 0, processes: 0 });
        k.cpu += (p.user + p.sys) / TICKS_PER_SECOND;
        k.sys += p.sys / TICKS_PER_SECOND;
        k.processes++;
        sampledUser += p.user / TICKS_PER_SECOND;
        sampledSys += p.sys / TICKS_PER_SECOND;
      }
      // The sampler misses what a process spends after its last sample; /usr/bin/time misses unwaited workers.
      const cpu = Math.max(waited, sampledUser + sampledSys);
      const systemTime = Math.max(sys ? Number(sys[1]) : 0, sampledSys);
      // eslint-disable-next-line no-control-regex
      out = out.replace(/\x1b\[[0-9;]*m/g, '');
      // Nx prints a line per task only for some of them when there are many: count from the summary.
      const total = /for (\d+) projects?/.exec(out) ?? /Running target \S+ for project/.exec(out);
      const fromCache = /for (\d+) out of (\d+) tasks/.exec(out);
      const ran = fromCache ? Number(fromCache[2]) : total && total[1] ? Number(total[1]) : new Set(out.match(/^> nx run \S+/gm) ?? []).size;
      const cached = fromCache ? Number(fromCache[1]) : 0;
      if (code !== 0) {
        console.error(`${label}: ${script === nxBin ? 'nx' : script} ${nxArgs.join(' ')} exited ${code}\n${out.slice(-3000)}\n${err.slice(-3000)}`);
        process.exit(1);
      }
      const command = script === nxBin ? `nx ${nxArgs.join(' ')}` : `node ${script.replace(`${repoRoot}/`, '')} ${nxArgs.map((a) => a.replace(root, '<ws>')).join(' ')}`;
      for (const k of Object.values(byKind)) {
        k.cpu = round(k.cpu);
        k.sys = round(k.sys);
      }
      done({
        label,
        command,
        seconds: round(seconds),
        cpu: round(cpu),
        sys: round(systemTime),
        peakMb: Math.round((m ? Number(m[1]) : 0) / 1024),
        treePeakMb: Math.round(treePeakKb / 1024),
        byKind,
        tasks: ran,
        cached,
      });
    });
  });
}

const round = (x) => Number(x.toFixed(2));
const floorScript = join(repoRoot, 'tools/bench/engine-floor.mjs');
const STEPS = [
  { key: 'cold', label: 'cold: nx run-many -t generate (every service, every environment)', floor: 'engine' },
  { key: 'cached', label: 'cached: the same again', floor: 'graph' },
  { key: 'affected', label: 'one service changed: nx affected -t generate', floor: 'graph' },
];
const edited = `services/svc-0001/score.yaml`;

/** One pair: both floors and the three steps, the floors first in even pairs and last in odd ones. */
async function pair(root, mode, index) {
  // preferBatch makes batch the default for this plugin's executors; NX_BATCH_MODE=false turns it off.
  // Mode `batch-inprocess`: batch, with the plugins loaded in the nx process instead of isolated workers.
  const env = { NX_BATCH_MODE: mode.startsWith('batch') ? 'true' : 'false', ...(mode.endsWith('-inprocess') ? { NX_ISOLATE_PLUGINS: 'false' } : {}) };
  const r = {};
  const floors = async () => {
    r.engine = await measure(root, 'engine floor: every render in one process', [root, join(root, 'floor-out')], {}, floorScript);
    rmSync(join(root, 'floor-out'), { recursive: true, force: true });
    r.graph = await measure(root, 'graph floor: nx show projects (cold, no daemon)', ['show', 'projects', '--json'], env);
  };
  if (index % 2 === 0) await floors();
  // Cold: nx reset (no task cache, no project graph cache), no outputs.
  execFileSync(process.execPath, [nxBin, 'reset'], { cwd: root, env: baseEnv, stdio: 'pipe' });
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  r.cold = await measure(root, STEPS[0].label, ['run-many', '-t', 'generate'], env);
  r.cached = await measure(root, STEPS[1].label, ['run-many', '-t', 'generate'], env);
  // A different edit in every pair, so that no affected run finds the previous one's render in the cache.
  const original = readFileSync(join(root, edited), 'utf8');
  writeFileSync(join(root, edited), original.replace('LOG_LEVEL: "info"', `LOG_LEVEL: "debug-${mode}-${index}"`));
  r.affected = await measure(root, STEPS[2].label, ['affected', '-t', 'generate', '--base=HEAD'], env);
  writeFileSync(join(root, edited), original);
  if (index % 2 === 1) await floors();
  return r;
}

/** validate with admission off and on, interleaved pairs; the median of each is reported. */
async function benchValidate(root, mode, results) {
  const env = { NX_BATCH_MODE: mode.startsWith('batch') ? 'true' : 'false', ...(mode.endsWith('-inprocess') ? { NX_ISOLATE_PLUGINS: 'false' } : {}) };
  const samples = { cold: { off: [], on: [] }, cached: { off: [], on: [] } };
  for (let run = 0; run < runs; run++) {
    for (const admission of ['off', 'on']) {
      const flag = `--admission=${admission === 'on'}`;
      const cache = mkdtempSync(join(tmpdir(), 'score-nx-bench-compile-'));
      samples.cold[admission].push(await measure(root, `validate cold, admission ${admission}`, ['run-many', '-t', 'validate', '--excludeTaskDependencies', '--skip-nx-cache', flag], { ...env, SCORE_NX_KUBECONFORM_CACHE: cache }));
      rmSync(cache, { recursive: true, force: true });
      // The first cached run fills the task cache for this flag; the second one reads it.
      if (run === 0) await measure(root, `validate cached (filling), admission ${admission}`, ['run-many', '-t', 'validate', flag], env);
      samples.cached[admission].push(await measure(root, `validate cached, admission ${admission}`, ['run-many', '-t', 'validate', flag], env));
    }
  }
  // The run to report is one of the runs: the middle one (the lower middle of an even count), not a mean.
  const middle = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const step of ['cold', 'cached']) {
    for (const admission of ['off', 'on']) {
      const list = samples[step][admission];
      const pick = list.find((r) => r.cpu === middle(list.map((x) => x.cpu))) ?? list[0];
      results.push({ mode, ...pick, label: `validate ${step}, admission ${admission} (median of ${list.length}; wall ${list.map((r) => r.seconds).join(', ')}; CPU ${list.map((r) => r.cpu).join(', ')})` });
    }
  }
}

/** Per step of one size and mode: medians, the floor's medians, the ratio of medians and the paired ratios. */
function summarise(N, mode, runsOfPairs) {
  const rows = [];
  const med = (key, f) => round(median(runsOfPairs.map((r) => f(r[key]))));
  for (const key of ['engine', 'graph']) {
    rows.push({ N, mode, step: key === 'engine' ? 'engine floor' : 'graph floor (nx show projects)', cpu: med(key, (x) => x.cpu), sys: med(key, (x) => x.sys), wall: med(key, (x) => x.seconds), peakMb: Math.max(...runsOfPairs.map((r) => r[key].peakMb)), treePeakMb: Math.max(...runsOfPairs.map((r) => r[key].treePeakMb)), runs: runsOfPairs.map((r) => r[key].cpu), command: runsOfPairs[0][key].command });
  }
  for (const step of STEPS) {
    const ratios = runsOfPairs.map((r) => r[step.key].cpu / r[step.floor].cpu);
    const kinds = [...new Set(runsOfPairs.flatMap((r) => Object.keys(r[step.key].byKind)))].sort();
    rows.push({
      N,
      mode,
      step: step.label,
      cpu: med(step.key, (x) => x.cpu),
      sys: med(step.key, (x) => x.sys),
      wall: med(step.key, (x) => x.seconds),
      floor: step.floor,
      floorCpu: med(step.floor, (x) => x.cpu),
      ratioOfMedians: round(med(step.key, (x) => x.cpu) / med(step.floor, (x) => x.cpu)),
      pairedRatio: round(median(ratios)),
      ratios: ratios.map(round),
      byKind: Object.fromEntries(kinds.map((k) => [k, round(median(runsOfPairs.map((r) => r[step.key].byKind[k]?.cpu ?? 0)))])),
      peakMb: Math.max(...runsOfPairs.map((r) => r[step.key].peakMb)),
      treePeakMb: Math.max(...runsOfPairs.map((r) => r[step.key].treePeakMb)),
      tasks: `${runsOfPairs[0][step.key].tasks - runsOfPairs[0][step.key].cached} / ${runsOfPairs[0][step.key].cached}`,
      runs: runsOfPairs.map((r) => r[step.key].cpu),
      command: runsOfPairs[0][step.key].command,
    });
  }
  return rows;
}

const summary = [];
const validateResults = [];
for (const [sizeIndex, N] of sizes.entries()) {
  const pairs = pairsOf(sizeIndex);
  const root = workspace(N);
  for (const mode of modes) {
    const runsOfPairs = [];
    for (let i = 0; i < pairs; i++) {
      runsOfPairs.push(await pair(root, mode, i));
      console.error(`# ${N} services, ${mode}, pair ${i + 1}/${pairs}: ${STEPS.map((s) => `${s.key} ${runsOfPairs[i][s.key].cpu}`).join(', ')}; engine floor ${runsOfPairs[i].engine.cpu}, graph floor ${runsOfPairs[i].graph.cpu} CPU-s (load ${loadAverage()})`);
    }
    summary.push(...summarise(N, mode, runsOfPairs));
    if (withValidate) await benchValidate(root, mode, validateResults);
  }
  if (keep) console.error(`workspace of ${N} services kept at ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

// Across sizes: each size's cold CPU against the first size's (linear growth: the ratio of the service counts).
const scaling = [];
for (const mode of modes) {
  const cold = summary.filter((r) => r.mode === mode && r.floor === 'engine');
  const floor = summary.filter((r) => r.mode === mode && r.step === 'engine floor');
  for (let i = 1; i < cold.length; i++) {
    scaling.push({ mode, from: cold[0].N, to: cold[i].N, services: round(cold[i].N / cold[0].N), cold: round(cold[i].cpu / cold[0].cpu), engineFloor: round(floor[i].cpu / floor[0].cpu) });
  }
}

const filesystem = (() => {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', tmpdir()], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, sizes, pairs: sizes.map((_, i) => pairsOf(i)), environments: 3, tmpdir: tmpdir(), filesystem };
if (asJson) console.log(JSON.stringify({ machine, load: { before: loadBefore, after: loadAverage() }, summary, scaling, validate: validateResults }, null, 2));
else {
  console.log(`# nx-bench: ${sizes.join(', ')} services x 3 environments (dev, staging: workspace library; prod: pinned 1.0.0), ${machine.pairs.join(', ')} pair(s)`);
  console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, node ${machine.node}; workspaces in ${machine.tmpdir} (${machine.filesystem}); CPU = user + system of the process tree; peak RSS: largest process (/usr/bin/time -v) / sum over the tree (sampled)`);
  console.log(`load before: ${loadBefore}; after: ${loadAverage()}`);
  console.log('| services | mode | step | CPU-s median (sys) | floor CPU-s | ratio of medians | paired ratios (median) | CPU by process | wall (s) | peak RSS MB (process / tree) | tasks run / from cache | CPU-s of each run |');
  console.log('| ---: | --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: | --- | --- |');
  for (const r of summary) {
    const kinds = r.byKind ? Object.entries(r.byKind).filter(([k]) => k !== 'other').map(([k, v]) => `${k} ${v}`).join(', ') : '';
    console.log(`| ${r.N} | ${r.mode} | ${r.step} | ${r.cpu} (${r.sys}) | ${r.floor ? `${r.floorCpu} (${r.floor})` : '-'} | ${r.floor ? `${r.ratioOfMedians}×` : '-'} | ${r.ratios ? `${r.ratios.join(', ')} (${r.pairedRatio}×)` : '-'} | ${kinds} | ${r.wall} | ${r.peakMb} / ${r.treePeakMb} | ${r.tasks ?? '-'} | ${r.runs.join(', ')} |`);
  }
  for (const s of scaling) console.log(`scaling (${s.mode}): ${s.to}/${s.from} services = ${s.services}×: cold CPU ${s.cold}×, engine floor ${s.engineFloor}×`);
  for (const r of validateResults) console.log(`| validate | ${r.mode} | ${r.label} | ${r.cpu} (${r.sys}) | wall ${r.seconds} | peak ${r.peakMb} / ${r.treePeakMb} MB | ${r.tasks - r.cached} / ${r.cached} | \`${r.command}\` |`);
  console.log(`commands: ${summary.filter((r, i, a) => a.findIndex((x) => x.step === r.step) === i).map((r) => `\`${r.command}\``).join(', ')}`);
}
