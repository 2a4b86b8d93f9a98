import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findServiceFolders, UserError } from '@score-nx/engine';

export interface ServiceRef {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Workspace-relative folder, posix. */
  path: string;
}

/** Every folder with a score.yaml under the workspace (not under node_modules, dist, fixtures), by path. */
export function listServices(root: string): ServiceRef[] {
  return findServiceFolders(root).map((f) => ({ name: f.name, dir: join(root, f.path), path: f.path }));
}

/** A service by its name (`metadata.name`) or its folder. */
export function findService(root: string, cwd: string, nameOrPath: string): ServiceRef {
  const asPath = resolve(cwd, nameOrPath);
  if (existsSync(join(asPath, 'score.yaml'))) {
    const byDir = listServices(root).find((s) => s.dir === asPath);
    if (byDir) return byDir;
  }
  const services = listServices(root);
  const match = services.filter((s) => s.name === nameOrPath);
  const [only, ...others] = match;
  if (only !== undefined && others.length === 0) return only;
  if (only !== undefined) throw new UserError(`two services are named '${nameOrPath}': ${match.map((s) => s.path).join(', ')}`);
  throw new UserError(`unknown service '${nameOrPath}' (services: ${services.map((s) => s.name).join(', ') || 'none'})`);
}
