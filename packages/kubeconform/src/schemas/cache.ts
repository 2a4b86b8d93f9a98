/** Small on-disk cache helpers: content-addressed files written atomically (tmp file + rename). */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

export function readCached(dir: string, name: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
}

export function existsCached(dir: string, name: string): boolean {
  return fs.existsSync(path.join(dir, name));
}

/** Best effort: a cache that cannot be written only costs speed, never correctness. */
export function writeCached(dir: string, name: string, content: string | Buffer): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, path.join(dir, name));
  } catch {
    // read-only or full disk: carry on uncached
  }
}

/**
 * Where compiled validators and derived schemas go when the caller names no directory:
 * $SCORE_NX_KUBECONFORM_CACHE, else $XDG_CACHE_HOME/score-nx-kubeconform, else
 * <cwd>/node_modules/.cache/score-nx-kubeconform.
 */
export function defaultCacheDir(cwd: string): string {
  const env = process.env.SCORE_NX_KUBECONFORM_CACHE;
  if (env) return env;
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return path.join(xdg, 'score-nx-kubeconform');
  return path.join(cwd, 'node_modules', '.cache', 'score-nx-kubeconform');
}
