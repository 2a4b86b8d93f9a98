#!/usr/bin/env node
// The in-process floor of `nx run-many -t generate`: one process renders every service of a workspace for every
// environment it deploys to with the engine alone (one GenerateCache, as a batch does) and writes each
// manifests.yaml. Used by nx-bench.mjs as the reference its Nx runs are compared with.
//
// Usage: node tools/bench/engine-floor.mjs <workspace-root> <out-dir>
import { mkdirSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { GenerateCache, generateService, loadEnvironments, loadServiceConfig } = createRequire(join(repoRoot, 'package.json'))('@score-nx/engine');
const [root, out] = process.argv.slice(2);
if (!root || !out) {
  console.error('usage: engine-floor.mjs <workspace-root> <out-dir>');
  process.exit(2);
}
const envs = [...loadEnvironments(root).values()].filter((e) => !e.preview).map((e) => e.name);
const cache = new GenerateCache();
let renders = 0;
for (const name of readdirSync(join(root, 'services')).sort()) {
  const serviceDir = `services/${name}`;
  const config = existsSync(join(root, serviceDir, 'service-config.yaml')) ? loadServiceConfig(join(root, serviceDir), serviceDir) : undefined;
  for (const env of envs.filter((e) => !config || e in config.environments)) {
    const result = generateService({ workspaceRoot: root, serviceDir, environment: env, cache });
    mkdirSync(join(out, env, name), { recursive: true });
    writeFileSync(join(out, env, name, 'manifests.yaml'), result.yaml);
    renders++;
  }
}
console.log(`${renders} renders`);
