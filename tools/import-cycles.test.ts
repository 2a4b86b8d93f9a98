// No package may import itself in a circle (issue 12): a cycle means two modules that cannot be read, tested or
// moved apart. madge follows relative imports, type-only ones included (a type cycle is a design cycle too).
// Cross-package cycles cannot happen: the tsconfig project references would refuse them.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const packages = readdirSync(path.join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function cyclesIn(dir: string, tsConfig?: string): Promise<string[][]> {
  const result = await madge(dir, {
    fileExtensions: ['ts'],
    ...(tsConfig !== undefined ? { tsConfig } : {}),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  return result.circular();
}

describe('import cycles', () => {
  it('finds every package', () => {
    expect(packages).toEqual(expect.arrayContaining(['admission', 'cli', 'engine', 'kubeconform', 'nx-plugin']));
  });

  it('sees a cycle, type-only imports included (a fixture: a -> b -> a through a type import, c outside it)', async () => {
    expect(await cyclesIn(path.join(root, 'tools/__fixtures__/cycle'))).toEqual([['a.ts', 'b.ts']]);
  });

  it.each(packages)('packages/%s/src has no import cycle', async (pkg) => {
    expect(await cyclesIn(path.join(root, 'packages', pkg, 'src'), path.join(root, 'packages', pkg, 'tsconfig.json'))).toEqual([]);
  }, 120_000);
});
