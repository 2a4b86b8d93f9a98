#!/usr/bin/env node
// Whole-process benchmark of @score-nx/kubeconform against the real kubeconform v0.7.0, interleaved.
// Corpus: N × (Deployment, Service, ConfigMap) in one file (3N resources). Both run strict, -summary,
// on the same local schemas (../shared/schemas/oracle, the files yannh's converter writes), with a warm
// cache (ours: compiled validators on disk, filled by a warm-up run; kubeconform has no compile cache).
// Wall, CPU (user + system, all threads) and peak RSS come from /usr/bin/time for both processes.
// Usage: npm run build (or npx tsc -b packages/kubeconform) && node tools/bench/validate-bench.mjs [N=10000] [pairs=5]
// Reference binary: ../shared/tools/kubeconform-v0.7.0/kubeconform, else `kubeconform` on PATH, else ours only.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'packages/kubeconform/dist/index.js');
// ../shared beside the checkout, or SCORE_NX_SHARED_DIR (a git worktree elsewhere).
const shared = process.env.SCORE_NX_SHARED_DIR ?? path.resolve(root, '../shared');
const schemas = path.join(shared, 'schemas/oracle');
const n = Number(process.argv[2] ?? 10000);
const pairs = Number(process.argv[3] ?? 5);
if (!fs.existsSync(dist)) {
  console.error(`build first: npx tsc -b packages/kubeconform (missing ${dist})`);
  process.exit(1);
}
if (!fs.existsSync(schemas)) {
  console.error(`missing local schemas: ${schemas}`);
  process.exit(1);
}
const TIME = '/usr/bin/time';
if (!fs.existsSync(TIME)) {
  console.error(`missing ${TIME} (GNU time measures wall, CPU and peak RSS of both programs)`);
  process.exit(1);
}

function findKubeconform() {
  const binary = path.join(shared, 'tools/kubeconform-v0.7.0/kubeconform');
  if (fs.existsSync(binary)) return binary;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'kubeconform');
    if (dir !== '' && fs.existsSync(p)) return p;
  }
  return undefined;
}
const kubeconform = findKubeconform();

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-bench-'));
const corpus = path.join(work, 'corpus.yaml');
const docs = [];
for (let i = 0; i < n; i++) {
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 7}
  labels:
    app.kubernetes.io/name: app-${i}
    app.kubernetes.io/part-of: bench
spec:
  replicas: ${(i % 5) + 1}
  selector:
    matchLabels:
      app.kubernetes.io/name: app-${i}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-${i}
    spec:
      serviceAccountName: app-${i}
      containers:
        - name: main
          image: "registry.example.com/app-${i}:1.${i % 100}.0"
          args: ["--port", "8080"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          env:
            - name: LOG_LEVEL
              value: "info"
            - name: REPLICA
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
---
apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: team-${i % 7}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: app-${i}
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}-config
  namespace: team-${i % 7}
data:
  LOG_LEVEL: "info"
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
    index: ${i}
`);
}
fs.writeFileSync(corpus, docs.join('---\n'));
const size = fs.statSync(corpus).size;
// For profiling: BENCH_CORPUS_OUT=/tmp/corpus.yaml keeps a copy of the generated corpus.
if (process.env.BENCH_CORPUS_OUT) fs.copyFileSync(corpus, process.env.BENCH_CORPUS_OUT);

const runner = path.join(work, 'run.cjs');
fs.writeFileSync(
  runner,
  `const { runKubeconformCli } = require(${JSON.stringify(dist)});
runKubeconformCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => { process.exitCode = code; });
`,
);
const args = ['-strict', '-summary', '-kubernetes-version', '1.33.0', '-schema-location', schemas, corpus];
const cache = path.join(work, 'cache');

const programs = { ours: [process.execPath, runner, ...args] };
if (kubeconform !== undefined) programs.kubeconform = [kubeconform, ...args];

function once(name) {
  const [cmd, ...rest] = programs[name];
  const r = spawnSync(TIME, ['-f', 'TIME %e %U %S %M', cmd, ...rest], {
    env: { ...process.env, SCORE_NX_KUBECONFORM_CACHE: cache },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`${name} exit ${r.status}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMiB: Number(m[4]) / 1024, summary: r.stdout.trim().split('\n').pop() };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const names = Object.keys(programs);
const results = Object.fromEntries(names.map((k) => [k, []]));
const load = [os.loadavg()[0]];
for (const k of names) once(k); // warm-up: fills our validator cache and the page cache for both
for (let i = 0; i < pairs; i++) {
  // Alternate which program goes first, so neither always runs right after the other.
  for (const k of i % 2 === 0 ? names : [...names].reverse()) results[k].push(once(k));
  load.push(os.loadavg()[0]);
}

const f = (x, d = 2) => x.toFixed(d);
console.log(`corpus: ${3 * n} resources, ${(size / 1e6).toFixed(1)} MB, one file; ${pairs} interleaved pairs after one warm-up run each`);
console.log(`command: <program> ${args.map((a) => (a === corpus ? 'corpus.yaml' : a === schemas ? '../shared/schemas/oracle' : a)).join(' ')}`);
console.log(`machine: nproc=${os.availableParallelism()}, node ${process.version}, ${os.cpus()[0]?.model ?? ''}; 1-min load ${f(Math.min(...load))}–${f(Math.max(...load))}`);
const med = {};
for (const k of names) {
  const rs = results[k];
  med[k] = { wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)), rss: median(rs.map((r) => r.rssMiB)) };
  console.log(`${k.padEnd(11)} median wall ${f(med[k].wall)} s, CPU ${f(med[k].cpu)} s, peak RSS ${f(med[k].rss, 0)} MiB   [${rs.map((r) => `${f(r.wall)}/${f(r.cpu)}/${f(r.rssMiB, 0)}`).join(' ')}]`);
  console.log(`${''.padEnd(11)} ${rs[rs.length - 1].summary}`);
}
if (med.kubeconform !== undefined) {
  const o = med.ours;
  const k = med.kubeconform;
  console.log(`ratio (kubeconform / ours): wall ${f(k.wall / o.wall)}×, CPU ${f(k.cpu / o.cpu)}×, peak RSS ${f(k.rss / o.rss)}×`);
} else {
  console.log('kubeconform: not found (../shared/tools/kubeconform-v0.7.0/kubeconform or PATH); ours only');
}
fs.rmSync(work, { recursive: true, force: true });
