#!/usr/bin/env node
// What the admission checks (CRD CEL rules, native validation, references, policies) cost in `validate`:
// a 500-service workspace made of the example services' renders (dist/manifests, from `nx run-many -t generate`),
// 500 services × dev/staging/prod = 1,500 renders, validated in one process as the batch executor does
// (runValidate per service, one validator pool), with admission on and off, paired and interleaved:
//   cold    empty compile cache (schemas compiled from scratch)
//   warm    compile cache populated by the previous run
// (An Nx cache hit runs no executor, so "cached" validate costs the same with or without the checks, plus
// hashing policies/.) Usage: node tools/bench/admission-bench.mjs [--services 500] [--runs 3] [--shared ../shared]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, median, option } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(option('services', '500'));
const runs = Number(option('runs', '3'));
const shared = resolve(repoRoot, option('shared', '../shared'));
const executor = join(repoRoot, 'packages/nx-plugin/dist/executors/validate/executor.js');
const manifests = join(repoRoot, 'dist/manifests');
for (const [p, hint] of [[executor, 'npm run build'], [manifests, 'npx nx run-many -t generate'], [join(shared, 'schemas'), '--shared <dir>']]) {
  if (!existsSync(p)) {
    console.error(`missing ${p}: ${hint}`);
    process.exit(1);
  }
}
const ENVS = ['dev', 'staging', 'prod'];
const VERSIONS = { dev: '1.33.0', staging: '1.32.0', prod: '1.31.0' };
const examples = readdirSync(join(manifests, 'prod')).sort();

const root = mkdtempSync(join(tmpdir(), 'admission-bench-'));
cpSync(join(repoRoot, 'policies'), join(root, 'policies'), { recursive: true });
const services = [];
for (let i = 0; i < N; i++) {
  const name = `svc-${String(i).padStart(3, '0')}`;
  services.push(name);
  for (const env of ENVS) {
    mkdirSync(join(root, 'dist/manifests', env, name), { recursive: true });
    cpSync(join(manifests, env, examples[i % examples.length], 'manifests.yaml'), join(root, 'dist/manifests', env, name, 'manifests.yaml'));
  }
}
const runner = join(root, 'run.cjs');
writeFileSync(
  runner,
  `const { runValidate } = require(${JSON.stringify(executor)});
const [admission, cacheDir] = process.argv.slice(2);
process.env.SCORE_NX_KUBECONFORM_CACHE = cacheDir;
(async () => {
  const t0 = process.hrtime.bigint();
  const pool = new Map();
  let ok = 0, failed = 0, warnings = 0;
  for (const s of ${JSON.stringify(services)}) {
    const options = { environment: '*', environments: ${JSON.stringify(ENVS)}, kubernetesVersions: ${JSON.stringify(VERSIONS)}, strict: true, admission: admission === 'on',
      schemaLocations: [${JSON.stringify(join(shared, 'schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json'))}, ${JSON.stringify(join(shared, 'schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'))}] };
    const context = { root: ${JSON.stringify(root)}, projectName: s, targetName: 'validate', projectsConfigurations: { projects: { [s]: { root: 'services/' + s } } } };
    const o = await runValidate(options, { project: s, target: 'validate', configuration: undefined }, context, pool);
    if (o.success) ok++; else { failed++; if (failed === 1) console.error(o.lines.join('\\n')); }
    warnings += o.lines.filter((l) => l.startsWith('warning:')).length;
  }
  const u = process.cpuUsage();
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, cpu: (u.user + u.system) / 1e3, ok, failed, warnings, rss: process.memoryUsage().rss / 1048576 }));
})();
`,
);
const results = { off: { cold: [], warm: [] }, on: { cold: [], warm: [] } };
let last = {};
for (let r = 0; r < runs; r++) {
  // Interleaved and paired: each round runs off and on, alternating which goes first.
  for (const mode of r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
    const cache = join(root, `cache-${mode}`);
    rmSync(cache, { recursive: true, force: true });
    for (const step of ['cold', 'warm']) {
      const p = spawnSync(process.execPath, [runner, mode, cache], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(p.stderr);
      const o = JSON.parse(p.stdout.trim().split('\n').pop());
      results[mode][step].push(o);
      last[mode] = o;
    }
  }
}
const load = loadAverage();
console.log(`${N} services × ${ENVS.length} environments (${N * ENVS.length} renders), ${runs} paired runs, load average ${load}`);
console.log('| step | admission off: wall ms (cpu ms) | admission on: wall ms (cpu ms) | ratio on/off (wall) |');
console.log('| --- | ---: | ---: | ---: |');
for (const step of ['cold', 'warm']) {
  const off = median(results.off[step].map((x) => x.ms));
  const on = median(results.on[step].map((x) => x.ms));
  const offCpu = median(results.off[step].map((x) => x.cpu));
  const onCpu = median(results.on[step].map((x) => x.cpu));
  console.log(`| ${step} | ${off.toFixed(0)} (${offCpu.toFixed(0)}) | ${on.toFixed(0)} (${onCpu.toFixed(0)}) | ${(on / off).toFixed(2)} |`);
}
console.log(`services passing: off ${last.off.ok}/${N}, on ${last.on.ok}/${N}; policy warnings (on): ${last.on.warnings}; peak RSS MB off ${last.off.rss.toFixed(0)}, on ${last.on.rss.toFixed(0)}`);
rmSync(root, { recursive: true, force: true });
