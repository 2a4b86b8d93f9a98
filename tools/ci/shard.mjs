#!/usr/bin/env node
// Splits the projects affected by a change into N shards, for CI jobs that each run one shard:
//   node tools/ci/shard.mjs --index 1 --total 4 [--target generate] [--base origin/main] [--head HEAD]
// prints the shard's projects, comma-separated (empty line for an empty shard). Projects are assigned by a stable
// hash of their name, so a project stays in the same shard as the affected set changes and every shard computes
// the same split on its own, with no coordinating job.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Assigns each project to a shard (1-based); balanced by round-robin over a hash-sorted list. */
export function shardProjects(projects, index, total) {
  if (!Number.isInteger(total) || total < 1) throw new Error(`--total must be a whole number of at least 1, got ${total}`);
  if (!Number.isInteger(index) || index < 1 || index > total) throw new Error(`--index must be between 1 and ${total}, got ${index}`);
  const keyed = [...new Set(projects)].map((p) => [createHash('sha256').update(p).digest('hex'), p]).sort(([a], [b]) => (a < b ? -1 : 1));
  return keyed.filter((_, i) => i % total === index - 1).map(([, p]) => p).sort();
}

export function parseArgs(argv) {
  const args = { target: 'generate' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--index') args.index = Number(value);
    else if (flag === '--total') args.total = Number(value);
    else if (flag === '--target') args.target = value;
    else if (flag === '--base') args.base = value;
    else if (flag === '--head') args.head = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

/** The affected projects that have the target, as Nx reports them. */
export function affectedProjects({ target, base, head, cwd = process.cwd(), nxBin }) {
  const bin = nxBin ?? resolveNxBin(cwd);
  const out = execFileSync(process.execPath, [bin, 'show', 'projects', '--affected', '--with-target', target, '--json', ...(base ? [`--base=${base}`] : []), ...(head ? [`--head=${head}`] : [])], {
    cwd,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.toString());
}

/**
 * The workspace's nx executable. nx's `exports` map does not expose its bin file as a subpath, so the file is
 * found beside its package.json (which is exported), by the package's own `bin` field.
 */
export function resolveNxBin(cwd) {
  const manifest = createRequire(join(cwd, 'package.json')).resolve('nx/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  const relativeBin = typeof bin === 'string' ? bin : bin?.nx;
  if (typeof relativeBin !== 'string') throw new Error(`${manifest}: no 'nx' entry in its bin field`);
  return join(dirname(manifest), relativeBin);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const projects = affectedProjects(args);
    process.stdout.write(`${shardProjects(projects, args.index, args.total).join(',')}\n`);
  } catch (err) {
    process.stderr.write(`shard: ${err.message}\n`);
    process.exitCode = 1;
  }
}
