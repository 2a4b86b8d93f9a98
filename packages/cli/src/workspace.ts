import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '@score-nx/engine';

/**
 * The workspace root: the nearest folder, from `start` upwards, that has an `environments/` or `provisioners/`
 * folder (or an nx.json). `SCORE_NX_WORKSPACE` overrides the search.
 */
export function findWorkspaceRoot(start: string, env: Record<string, string | undefined>): string {
  const forced = env['SCORE_NX_WORKSPACE'];
  if (forced) return resolve(start, forced);
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'environments')) || existsSync(join(dir, 'provisioners')) || existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new UserError(`no workspace found from ${start}: expected a folder with environments/ and provisioners/ (or set SCORE_NX_WORKSPACE)`);
    dir = parent;
  }
}
