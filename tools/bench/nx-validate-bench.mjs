#!/usr/bin/env node
// Benchmark of the Nx validate target against the graph floor, in one script run. The workspace is the synthetic one
// of tools/bench/workspace.mjs (N services, dev / staging / prod, prod pinned to 1.0.0) with this repository's
// schemas/ and policies/ copied in (the plugin's default schema locations: the workspace's own schemas/), or, with
// --shared <dir>, the shared Kubernetes definitions and CRD schemas named by absolute path (not task inputs then).
// Every service is rendered once (`nx run-many -t generate`, reported, not a step), then the steps run in interleaved
// rounds, the order rotated each round:
//   graph         nx show projects --json                       (the graph floor: what every nx command pays)
//   cached        nx run-many -t validate                       (every validate task, and its generate, from the cache)
//   cached-own    nx run-many -t validate --excludeTaskDependencies (the validate tasks' own share: no generate tasks)
//   generate-cached  nx run-many -t generate                   (the generate tasks' share of `cached`)
//   cold          nx run-many -t validate --skip-nx-cache --excludeTaskDependencies
//                 (every validate task runs; the compiled-validator cache is kept between runs)
//   cold-compile  the same with an empty compiled-validator cache (SCORE_NX_KUBECONFORM_CACHE a fresh folder)
// CPU is user + system of nx and every process it starts (tools/bench/process-tree.mjs), reported with its system
// share and its ratio to the graph floor of the same run (median over median).
// The plugin must be built (npm ci does it; or npm run build).
//
// Usage: node tools/bench/nx-validate-bench.mjs [--services 2000] [--runs 3] [--steps graph,cached,cold]
//        [--admission true|false] [--shared <dir>] [--workspace <kept dir>] [--keep] [--json]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureProcess } from './process-tree.mjs';
import { loadAverage, median, option } from './stats.mjs';
import { syntheticWorkspace } from './workspace.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const N = Number(option('services', '2000'));
const runs = Number(option('runs', '3'));
const steps = option('steps', 'graph,cached,cold').split(',');
const admission = option('admission', 'true');
const sharedOption = option('shared', undefined);
const kept = option('workspace', undefined);
const keep = args.includes('--keep') || kept !== undefined;
const asJson = args.includes('--json');
const known = ['graph', 'cached', 'cached-own', 'generate-cached', 'cold', 'cold-compile'];
for (const s of steps) if (!known.includes(s)) fail(`unknown step '${s}' (steps: ${known.join(', ')})`);
if (!steps.includes('graph')) steps.unshift('graph');
if (!existsSync(join(repoRoot, 'packages/nx-plugin/dist/index.js'))) fail('packages/nx-plugin is not built: run npm run build');
const shared = sharedOption === undefined ? undefined : resolve(sharedOption);
if (shared && !existsSync(join(shared, 'schemas/kubernetes'))) fail(`--shared ${shared}: no schemas/kubernetes in it`);

function fail(message) {
  console.error(`nx-validate-bench: ${message}`);
  process.exit(1);
}

const require = createRequire(join(repoRoot, 'package.json'));
const nxBin = join(repoRoot, 'node_modules/nx', require('nx/package.json').bin.nx);
const baseEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };
const git = (root, ...a) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...a], { cwd: root, stdio: 'pipe' });

// ---- the workspace -------------------------------------------------------------------------------------------
let root;
const setup = [];
if (kept) {
  root = resolve(kept);
  if (!existsSync(join(root, 'nx.json'))) fail(`--workspace ${root}: no nx.json`);
} else {
  root = syntheticWorkspace(repoRoot, N);
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8'));
  if (shared) {
    nxJson.plugins[0].options.schemaLocations = [
      join(shared, 'schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json'),
      join(shared, 'schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
    ];
  } else {
    cpSync(join(repoRoot, 'schemas'), join(root, 'schemas'), { recursive: true });
  }
  writeFileSync(join(root, 'nx.json'), `${JSON.stringify(nxJson, null, 2)}\n`);
  cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'schemas and policies');
}
const compileCache = join(root, '.bench-compile-cache');
mkdirSync(compileCache, { recursive: true });
const envFor = (extra = {}) => ({ ...baseEnv, SCORE_NX_KUBECONFORM_CACHE: compileCache, ...extra });

const nx = async (label, nxArgs, extraEnv) => {
  const r = await measureProcess([process.execPath, nxBin, ...nxArgs, '--outputStyle=static'], { cwd: root, env: envFor(extraEnv) });
  // eslint-disable-next-line no-control-regex
  const out = r.out.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = /Successfully ran target \S+ for (\d+) projects?/.exec(out);
  const fromCache = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(out);
  return { label, command: `nx ${nxArgs.join(' ')}`, ...r, out: undefined, projects: summary ? Number(summary[1]) : undefined, cached: fromCache ? `${fromCache[1]}/${fromCache[2]}` : '0' };
};

const validateFlags = [`--admission=${admission}`];
const commands = {
  graph: () => nx('graph floor', ['show', 'projects', '--json']),
  cached: () => nx('validate, fully cached', ['run-many', '-t', 'validate', ...validateFlags]),
  'cached-own': () => nx('validate tasks only, cached', ['run-many', '-t', 'validate', '--excludeTaskDependencies', ...validateFlags]),
  'generate-cached': () => nx('generate, fully cached', ['run-many', '-t', 'generate']),
  cold: () => nx('validate, no task cache (compile cache kept)', ['run-many', '-t', 'validate', '--skip-nx-cache', '--excludeTaskDependencies', ...validateFlags]),
  'cold-compile': async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'score-nx-bench-compile-'));
    try {
      return await nx('validate, no task cache, empty compile cache', ['run-many', '-t', 'validate', '--skip-nx-cache', '--excludeTaskDependencies', ...validateFlags], { SCORE_NX_KUBECONFORM_CACHE: fresh });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  },
};

const loadBefore = loadAverage();
if (!kept || !existsSync(join(root, 'dist/manifests'))) setup.push(await nx('setup: render every service', ['run-many', '-t', 'generate']));
// Fills the task cache of validate (and the compile cache) for the flags of the cached step.
setup.push(await nx('setup: first validate (fills the caches)', ['run-many', '-t', 'validate', ...validateFlags]));
// Without its generate tasks a validate task has another key (the files on disk): fill that one too.
if (steps.includes('cached-own')) setup.push(await nx('setup: first validate without generate', ['run-many', '-t', 'validate', '--excludeTaskDependencies', ...validateFlags]));

const samples = Object.fromEntries(steps.map((s) => [s, []]));
for (let run = 0; run < runs; run++) {
  const order = steps.map((_, i) => steps[(i + run) % steps.length]);
  for (const step of order) {
    const r = await commands[step]();
    samples[step].push(r);
    if (!asJson) console.error(`run ${run + 1}/${runs} ${step}: ${r.cpu} CPU-s (sys ${r.sys}), ${r.seconds} s wall, load ${loadAverage()}`);
  }
}
const loadAfter = loadAverage();

const summary = steps.map((step) => {
  const list = samples[step];
  const pick = (k) => Number(median(list.map((r) => r[k])).toFixed(2));
  return { step, label: list[0].label, command: list[0].command, cpu: pick('cpu'), user: pick('user'), sys: pick('sys'), seconds: pick('seconds'), peakMb: pick('peakMb'), cpuRuns: list.map((r) => r.cpu), cached: list[0].cached, projects: list[0].projects };
});
const graph = summary.find((s) => s.step === 'graph');
for (const s of summary) s.ratio = Number((s.cpu / graph.cpu).toFixed(2));
const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, services: N, environments: 3, admission, schemas: shared ? `${shared}/schemas (absolute)` : 'workspace schemas/' };

if (asJson) console.log(JSON.stringify({ machine, load: { before: loadBefore, after: loadAfter }, setup, summary, samples }, null, 2));
else {
  console.log(`# nx-validate-bench: ${N} services x 3 environments, admission ${admission}, schemas: ${machine.schemas}; ${runs} interleaved rounds`);
  console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, node ${machine.node}; load before: ${loadBefore}; after: ${loadAfter}`);
  for (const s of setup) console.log(`setup: ${s.label}: ${s.cpu} CPU-s (sys ${s.sys}), ${s.seconds} s wall`);
  console.log('| step | CPU-s median (sys) | CPU / graph floor | runs (CPU-s) | wall s median | peak RSS (MB) | from cache | command |');
  console.log('| --- | ---: | ---: | --- | ---: | ---: | --- | --- |');
  for (const s of summary) console.log(`| ${s.label} | ${s.cpu} (${s.sys}) | ${s.ratio}× | ${s.cpuRuns.join(', ')} | ${s.seconds} | ${s.peakMb} | ${s.cached} | \`${s.command}\` |`);
}
if (keep) console.log(`workspace kept at ${root}`);
else rmSync(root, { recursive: true, force: true });
