import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Runs this repository's real nx binary in `cwd` (a temp workspace), without daemon, cloud, TUI or colour (`env` on top). */
export function runNx(repoRoot: string, cwd: string, args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  const nxBin = join(repoRoot, 'node_modules', 'nx', (createRequire(join(repoRoot, 'package.json'))('nx/package.json') as { bin: { nx: string } }).bin.nx);
  const r = spawnSync(process.execPath, [nxBin, ...args, '--outputStyle=static'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NX_ISOLATE_PLUGINS: 'false', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    timeout: 90_000,
  });
  // eslint-disable-next-line no-control-regex
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}
