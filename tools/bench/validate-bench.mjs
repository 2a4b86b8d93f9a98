#!/usr/bin/env node
// Whole-process benchmark of @score-nx/kubeconform: N × (Deployment, Service, ConfigMap) in one file,
// strict, schemas derived from the v1.33.0 _definitions.json, cold (empty cache) and warm.
// Usage: npx tsc -b packages/kubeconform && node tools/bench/validate-bench.mjs [N=10000] [runs=5]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'packages/kubeconform/dist/index.js');
const definitions = path.resolve(root, '../shared/schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json');
const n = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 5);
if (!fs.existsSync(dist)) {
  console.error(`build first: npx tsc -b packages/kubeconform (missing ${dist})`);
  process.exit(1);
}

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

// The child reports its own CPU time (user + system, whole process) on stderr at exit.
const runner = path.join(work, 'run.cjs');
fs.writeFileSync(
  runner,
  `const { runKubeconformCli } = require(${JSON.stringify(dist)});
runKubeconformCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
  const u = process.cpuUsage();
  process.stderr.write('\\nCPU ' + (u.user + u.system) / 1e6 + '\\n');
});
`,
);
const args = ['-strict', '-summary', '-kubernetes-version', '1.33.0', '-schema-location', definitions, corpus];
const cache = path.join(work, 'cache');

function once() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [runner, ...args], { env: { ...process.env, SCORE_NX_KUBECONFORM_CACHE: cache }, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = Number(/CPU ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN);
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  return { wall, cpu, summary: r.stdout.trim().split('\n').pop() };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cold = [];
const warm = [];
let summary = '';
for (let i = 0; i < runs; i++) {
  fs.rmSync(cache, { recursive: true, force: true });
  cold.push(once());
  warm.push(once());
  for (let j = 1; j < 2; j++) warm.push(once());
  summary = warm[warm.length - 1].summary;
}
const fmt = (rs) => `median wall ${median(rs.map((r) => r.wall)).toFixed(3)} s, median CPU ${median(rs.map((r) => r.cpu)).toFixed(3)} s (${rs.length} runs)`;
console.log(`corpus: ${3 * n} resources, ${(size / 1e6).toFixed(1)} MB, one file`);
console.log(`command: node <runner> ${args.map((a) => (a === corpus ? 'corpus.yaml' : a)).join(' ')}`);
console.log(`machine: nproc=${os.availableParallelism()}, node ${process.version}, ${os.cpus()[0]?.model ?? ''}`);
console.log(`result: ${summary}`);
console.log(`cold (empty cache): ${fmt(cold)}`);
console.log(`warm (cache filled): ${fmt(warm)}`);
fs.rmSync(work, { recursive: true, force: true });
