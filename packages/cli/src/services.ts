import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '@score-nx/engine';

export interface ServiceRef {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Workspace-relative folder, posix. */
  path: string;
}

const SKIP = new Set(['node_modules', 'dist', '.git', '.nx', 'tmp', '__fixtures__']);

/** Every folder with a score.yaml under the workspace (not under node_modules, dist, fixtures), by name. */
export function listServices(root: string): ServiceRef[] {
  const found: ServiceRef[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name === 'score.yaml') {
        let name: unknown;
        try {
          name = (parse(readFileSync(join(dir, entry.name), 'utf8')) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
        } catch {
          name = undefined;
        }
        const path = relative(root, dir).split('\\').join('/');
        found.push({ name: typeof name === 'string' ? name : path, dir, path });
      }
    }
  };
  walk(root);
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
  if (match.length === 1) return match[0]!;
  if (match.length > 1) throw new UserError(`two services are named '${nameOrPath}': ${match.map((s) => s.path).join(', ')}`);
  throw new UserError(`unknown service '${nameOrPath}' (services: ${services.map((s) => s.name).join(', ') || 'none'})`);
}
