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

/**
 * Cycles that exist today and are being removed on another branch. EVERY entry here is a debt: the test fails as
 * soon as the cycle is gone, so that the entry is deleted with it.
 * - engine: removed by branch issue-12-engine (pipeline phases); delete this entry when it merges.
 */
const KNOWN_CYCLES: Record<string, string[][]> = {
  engine: [['convert/workload.ts', 'output/canonical-yaml.ts']],
};

async function cyclesOf(pkg: string): Promise<string[][]> {
  const result = await madge(path.join(root, 'packages', pkg, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: path.join(root, 'packages', pkg, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  return result.circular();
}

describe('import cycles', () => {
  it('finds every package', () => {
    expect(packages).toEqual(expect.arrayContaining(['admission', 'cli', 'engine', 'kubeconform', 'nx-plugin']));
  });

  it.each(packages)('packages/%s/src has no import cycle but the known ones', async (pkg) => {
    expect(await cyclesOf(pkg)).toEqual(KNOWN_CYCLES[pkg] ?? []);
  }, 120_000);
});
