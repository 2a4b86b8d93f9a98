import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((p) => existsSync(join(ROOT, 'packages', p, 'src'))).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative imports of a file (type-only ones too: they still tie the modules together), resolved to files. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => [`${resolve(dirname(file), name)}.ts`, join(resolve(dirname(file), name), 'index.ts')].find(existsSync))
    .filter((f): f is string => f !== undefined);
}

/** Every import cycle among a package's source files, each as the list of its files from its smallest one. */
export function importCycles(srcDir: string): string[][] {
  const graph = new Map(sourceFiles(srcDir).map((f) => [f, importsOf(f)]));
  const cycles = new Map<string, string[]>();
  const visit = (file: string, stack: string[]) => {
    const at = stack.indexOf(file);
    if (at >= 0) {
      const cycle = stack.slice(at).map((f) => relative(srcDir, f));
      const start = cycle.indexOf([...cycle].sort()[0]!);
      const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
      cycles.set(rotated.join(' -> '), rotated);
      return;
    }
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...stack, file]);
    if (stack.length === 0 || !stack.includes(file)) done.add(file);
  };
  const done = new Set<string>();
  for (const file of graph.keys()) visit(file, []);
  return [...cycles.values()];
}

describe('import cycles', () => {
  it('finds a cycle where there is one', () => {
    const fixture = join(ROOT, 'tools', '__fixtures__', 'cycle');
    expect(importCycles(fixture)).toEqual([['a.ts', 'b.ts']]);
  });

  it.each(PACKAGES)('packages/%s has none', (pkg) => {
    expect(importCycles(join(ROOT, 'packages', pkg, 'src'))).toEqual([]);
  });
});
