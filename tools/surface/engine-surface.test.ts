// The engine's index exports exactly what its non-test consumers import (issue 12: a narrow surface), and its
// testing entry point adds only names the index leaves out.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportedNames, importedNames, isTestFile, namesImportedBy, sourceFiles } from './engine-surface';

const root = path.resolve(__dirname, '../..');
const ENGINE = '@score-nx/engine';
/** Every place that may use the engine: the other packages, the CLI's bundle script, the tools. */
const consumerDirs = ['packages/admission/src', 'packages/cli/src', 'packages/cli/scripts', 'packages/kubeconform/src', 'packages/nx-plugin/src', 'tools', 'provisioners'];
const files = consumerDirs.flatMap((dir) => sourceFiles(root, dir));
const used = namesImportedBy(root, files.filter((f) => !isTestFile(f)), ENGINE);
const exported = exportedNames(path.join(root, 'packages/engine/src/index.ts'));

describe('reading imports', () => {
  it.each([
    ["import { a, b as c } from 'm';", ['a', 'b']],
    ["import type { T } from 'm';\nimport { type U, v } from 'm';", ['T', 'U', 'v']],
    ["export { a } from 'm';", ['a']],
    ["const { a, b: c } = createRequire(x)('m');", ['a', 'b']],
    ["const { a } = require('m');\nconst { b } = await import('m');", ['a', 'b']],
    ["import { a } from 'm/other';\nfingerprint('m');", []],
  ])('%s', (source, names) => {
    expect(importedNames(source, 'x.ts', 'm')).toEqual(names);
  });

  it.each([
    ["import * as m from 'm';", 'x.ts: a namespace import of m hides which names it uses; import them by name'],
    ["const m = require('m');", 'x.ts: a require or import() of m must destructure the names it uses'],
  ])('refuses %s', (source, message) => {
    expect(() => importedNames(source, 'x.ts', 'm')).toThrow(message);
  });

  it.each([
    ['packages/cli/src/main.ts', false],
    ['tools/bench/engine-floor.mjs', false],
    ['packages/cli/src/main.test.ts', true],
    ['provisioners/test-support/contract.ts', true],
    ['packages/engine/src/__fixtures__/x.ts', true],
  ])('%s is test code: %s', (file, expected) => {
    expect(isTestFile(file)).toBe(expected);
  });
});

describe('engine surface', () => {
  it('reads the consumers (the CLI, the plugin and the bench tools import the engine)', () => {
    const importers = new Set(used.map((u) => u.file.split('/').slice(0, 2).join('/')));
    expect([...importers]).toEqual(expect.arrayContaining(['packages/cli', 'packages/nx-plugin', 'tools/bench']));
  });

  it('exports no name that no non-test consumer imports', () => {
    const names = new Set(used.map((u) => u.name));
    expect(exported.filter((name) => !names.has(name))).toEqual([]);
  });

  it('exports every name its consumers import (the JavaScript tools are not type-checked)', () => {
    expect(used.filter((u) => !exported.includes(u.name)).map((u) => `${u.file}: ${u.name}`)).toEqual([]);
  });

  it('keeps the testing entry point disjoint from the index, and used by tests only', () => {
    const testing = exportedNames(path.join(root, 'packages/engine/src/testing.ts'));
    expect(testing.length).toBeGreaterThan(0);
    expect(testing.filter((name) => exported.includes(name))).toEqual([]);
    expect(namesImportedBy(root, files.filter((f) => !isTestFile(f)), `${ENGINE}/testing`)).toEqual([]);
  });
});
