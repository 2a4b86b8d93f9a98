#!/usr/bin/env node
// Render cost against input size (issue 11, "render time linear in the number of resources, memory proportional to
// input"). Builds a temp workspace with this repository's environments/ and provisioners/ and one service holding
// N configmap resources (or one configmap whose configData value is M MB), then renders it in a fresh child process
// per run and reports CPU (user + sys, not wall: the machine is shared) and peak RSS. Sizes run interleaved.
//
// Usage: node tools/bench/render-scale.mjs [--pairs 3] [--resources 2000,4000] [--mb 40]
//        node tools/bench/render-scale.mjs --one resources 4000   (one run, in this process, prints JSON)
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const self = fileURLToPath(import.meta.url);
const repoRoot = resolve(dirname(self), '../..');

function workspace(scoreYaml) {
  const root = mkdtempSync(join(tmpdir(), 'score-nx-render-scale-'));
  cpSync(join(repoRoot, 'environments'), join(root, 'environments'), { recursive: true });
  for (const file of readdirSync(join(root, 'environments'))) {
    const path = join(root, 'environments', file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provisioners: .*$/m, 'provisioners: workspace'));
  }
  cpSync(join(repoRoot, 'provisioners'), join(root, 'provisioners'), { recursive: true, filter: (src) => !src.includes('node_modules') && !src.endsWith('.test.ts') });
  mkdirSync(join(root, 'services/svc'), { recursive: true });
  writeFileSync(join(root, 'services/svc/score.yaml'), scoreYaml);
  return root;
}

function scoreWith(resources) {
  const head = ['apiVersion: score.dev/v1b1', 'metadata:', '  name: svc', '  engineNamespace: payments', '  level1System: checkout', 'containers:', '  web:', '    image: nginx', 'resources:'];
  return [...head, ...resources, ''].join('\n');
}

const inputs = {
  /** N configmaps, each with one key; the container reads none of them (the provisioner cost alone). */
  resources: (n) => scoreWith(Array.from({ length: n }, (_, i) => `  cfg${i}:\n    type: configmap\n    params:\n      configData:\n        K${i}: "value-${i}"`)),
  /** One configmap with one value of `mb` MB (over the ConfigMap limit: the cost until the error is the point). */
  mb: (mb) => scoreWith([`  cfg:\n    type: configmap\n    params:\n      configData:\n        BIG: ${'x'.repeat(Math.round(mb * 1024 * 1024))}`]),
};

function runOne(kind, size) {
  const { generateService } = createRequire(join(repoRoot, 'package.json'))('@score-nx/engine');
  const root = workspace(inputs[kind](size));
  const before = process.cpuUsage();
  let outcome;
  try {
    const result = generateService({ workspaceRoot: root, serviceDir: 'services/svc', environment: 'dev' });
    outcome = `${result.objects.length} objects`;
  } catch (err) {
    outcome = `error: ${String(err.message).slice(0, 120)}`;
  }
  const cpu = process.cpuUsage(before);
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({ kind, size, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, outcome }));
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  runOne(args[1], Number(args[2]));
} else {
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const pairs = Number(opt('--pairs', '3'));
  const runs = [...opt('--resources', '2000,4000').split(',').map((n) => ['resources', Number(n)]), ...opt('--mb', '40').split(',').filter(Boolean).map((n) => ['mb', Number(n)])];
  const results = new Map(runs.map(([k, s]) => [`${k} ${s}`, []]));
  const loads = [];
  for (let p = 0; p < pairs; p++) {
    for (const [kind, size] of p % 2 === 0 ? runs : [...runs].reverse()) {
      loads.push(loadavg()[0]);
      const out = execFileSync(process.execPath, ['--max-old-space-size=8192', self, '--one', kind, String(size)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const run = JSON.parse(out.trim().split('\n').at(-1));
      results.get(`${kind} ${size}`).push(run);
      console.error(out.trim());
    }
  }
  console.log('| input | CPU s (median) | peak RSS MB (median) | outcome |');
  console.log('|---|---|---|---|');
  for (const [key, rs] of results) console.log(`| ${key} | ${median(rs.map((r) => r.cpuSeconds)).toFixed(2)} | ${median(rs.map((r) => r.maxRssMB)).toFixed(0)} | ${rs[0].outcome} |`);
  console.log(`load average (1 min) during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
}
