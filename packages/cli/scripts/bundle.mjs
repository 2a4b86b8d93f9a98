#!/usr/bin/env node
// Bundles the CLI for `npm pack` (prepack): one self-contained CommonJS file per entry point under bundle/, so the
// tarball installs with `npm install -g --offline` (no dependencies, no build step) and runs on plain Node 20.
//   bundle/main.js      the CLI (what bin/score-nx.js loads when there is no dist/ beside it)
//   bundle/parallel.js  the validator's worker-thread file, which it looks for beside itself
//   bundle/diff-worker.js  the render thread of `score-nx diff`, which it looks for beside itself
//   bundle/yaml-reader.js  the YAML reader a big-stack thread loads for deeply nested flow collections
//   bundle/THIRD_PARTY_LICENSES.txt  the licenses of the bundled packages
// `--clean` (postpack) removes bundle/ again, so a workspace checkout keeps running from dist/.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cliRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(cliRoot, 'bundle');

if (process.argv.includes('--clean')) {
  rmSync(outdir, { recursive: true, force: true });
  process.exit(0);
}

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: {
    main: join(cliRoot, 'src/main.ts'),
    parallel: join(cliRoot, '../kubeconform/src/command-line/parallel.ts'),
    'yaml-reader': join(cliRoot, '../kubeconform/src/reading/yaml-reader.ts'),
    'diff-worker': join(cliRoot, 'src/diff-worker.ts'),
  },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Relative source paths in comments only: the bundle is the same on every machine.
  absWorkingDir: cliRoot,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// Every bundled package's license, in one file (the packages are no longer installed beside the code).
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
  if (!m || packages.has(m[2])) continue;
  const dir = join(cliRoot, m[1]);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  packages.set(m[2], `${m[2]}@${version} (${license})\n\n${file ? readFileSync(join(dir, file), 'utf8').trim() : `license: ${license}`}\n`);
}
const notices = [...packages.keys()].sort().map((name) => packages.get(name));
writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.txt'), notices.join(`\n${'-'.repeat(78)}\n\n`));
for (const f of ['main.js', 'parallel.js', 'yaml-reader.js', 'diff-worker.js']) {
  if (!existsSync(join(outdir, f))) throw new Error(`bundle: ${relative(cliRoot, join(outdir, f))} was not written`);
}
process.stderr.write(`bundle: ${relative(process.cwd(), outdir) || '.'}: main.js, parallel.js, diff-worker.js, ${packages.size} bundled packages\n`);
