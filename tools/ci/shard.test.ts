import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { parseArgs, resolveNxBin, shardProjects } from './shard.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const PROJECTS = Array.from({ length: 10 }, (_, i) => `svc-${i}`);

describe('shard.mjs', () => {
  it('puts every project in exactly one shard, balanced', () => {
    const shards = [1, 2, 3].map((i) => shardProjects(PROJECTS, i, 3) as string[]);
    expect(shards.map((s) => s.length).sort()).toEqual([3, 3, 4]);
    expect(shards.flat().sort()).toEqual([...PROJECTS].sort());
  });

  it('is stable: the same input gives the same split in any order', () => {
    const a = shardProjects(PROJECTS, 2, 4);
    const b = shardProjects([...PROJECTS].reverse(), 2, 4);
    expect(b).toEqual(a);
  });

  it('gives a one-shard run everything and tolerates empty shards', () => {
    expect(shardProjects(['b', 'a'], 1, 1)).toEqual(['a', 'b']);
    const many = [1, 2, 3, 4, 5].map((i) => shardProjects(['only'], i, 5) as string[]);
    expect(many.flat()).toEqual(['only']);
  });

  it('rejects impossible shard numbers', () => {
    expect(() => shardProjects(PROJECTS, 0, 3)).toThrow('--index must be between 1 and 3, got 0');
    expect(() => shardProjects(PROJECTS, 4, 3)).toThrow('--index must be between 1 and 3, got 4');
    expect(() => shardProjects(PROJECTS, 1, 0)).toThrow('--total must be a whole number of at least 1, got 0');
  });

  it('parses its command line', () => {
    expect(parseArgs(['--index', '2', '--total=4', '--base', 'origin/main'])).toEqual({ target: 'generate', index: 2, total: 4, base: 'origin/main' });
    expect(() => parseArgs(['--shard', '1'])).toThrow('unknown option --shard');
    expect(() => parseArgs(['--index'])).toThrow('--index needs a value');
  });

  it("finds nx's executable through its package.json (nx does not export its bin file)", () => {
    const bin = resolveNxBin(resolve(__dirname, '../..')) as string;
    expect(bin.endsWith('node_modules/nx/dist/bin/nx.js')).toBe(true);
    expect(existsSync(bin)).toBe(true);
  });

  it('exits 1 with one line on stderr when nx fails', () => {
    const r = spawnSync(process.execPath, [resolve(__dirname, 'shard.mjs'), '--index', '1', '--total', '2', '--base', 'f'.repeat(40), '--head', 'HEAD'], {
      cwd: resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/shard: Command failed: .*nx\.js show projects --affected/);
  });
});
