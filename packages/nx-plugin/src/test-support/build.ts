import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (!e.name.endsWith('.test.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/**
 * The end-to-end tests run the compiled plugin, as nx loads it (package main → dist). `npm ci` builds it (prepare);
 * when a source file is newer than the build, this builds it again.
 */
export function ensurePluginBuilt(repoRoot: string): void {
  const pkg = join(repoRoot, 'packages/nx-plugin');
  const built = join(pkg, 'dist/index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(pkg, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'packages/nx-plugin'], { cwd: repoRoot, stdio: 'pipe' });
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    if (!existsSync(built) || /packages\/nx-plugin\//.test(out)) throw new Error(`building packages/nx-plugin failed:\n${out}`);
  }
}
