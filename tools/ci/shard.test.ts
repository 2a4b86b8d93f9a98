import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { parseArgs, shardProjects } from './shard.mjs';

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
});
