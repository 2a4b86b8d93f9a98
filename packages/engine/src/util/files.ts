import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DocumentError } from '../errors';
import type { DocPath } from '../errors';

/**
 * Reads a `files.*.source` relative to the Score file, refusing anything that leaves the service folder:
 * absolute paths, `..` escapes, and symlinks (of the file or of a folder on the way) that lead out.
 */
export function readSourceInside(serviceDir: string, scoreFile: string, source: string, path: DocPath): Buffer {
  if (isAbsolute(source) || /^[A-Za-z]:[\\/]/.test(source)) {
    throw new DocumentError(path, `source '${source}' is an absolute path; use a path relative to the Score file, inside the service folder`);
  }
  const root = realpathSync(serviceDir);
  const wanted = resolve(dirname(scoreFile), source);
  if (!isInside(resolve(serviceDir), wanted)) {
    throw new DocumentError(path, `source '${source}' leaves the service folder`);
  }
  if (!existsSync(wanted)) throw new DocumentError(path, `source '${source}' does not exist`);
  const real = realpathSync(wanted);
  if (!isInside(root, real)) {
    throw new DocumentError(path, `source '${source}' is a symlink that leads out of the service folder`);
  }
  try {
    return readFileSync(real);
  } catch (err) {
    throw new DocumentError(path, `source '${source}' cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

let tmpCounter = 0;

/** Writes a file so that readers see the old content or the new, never a half-written file. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++tmpCounter}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
