import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DocumentError, UserError } from '../errors';
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

/**
 * Returns `target` (resolved) if it lies inside `root` both lexically and once symlinks are resolved: the deepest
 * part of the path that exists is resolved with realpath and must stay inside the real root. Call it before a
 * path is deleted or written, so that a crafted name or a planted symlink can never point the tool elsewhere.
 */
export function checkedPathInside(root: string, target: string, what: string): string {
  const lexicalRoot = resolve(root);
  const wanted = resolve(lexicalRoot, target);
  if (!isInside(lexicalRoot, wanted)) throw new UserError(`${what}: '${target}' is outside '${root}'; refusing to touch it`);
  if (!isInside(realPathSoFar(lexicalRoot), realPathSoFar(wanted))) {
    throw new UserError(`${what}: '${target}' leads outside '${root}' through a symlink; refusing to touch it`);
  }
  return wanted;
}

/** The real path of the deepest existing ancestor, joined with the rest: what does not exist yet holds no symlink. */
function realPathSoFar(path: string): string {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  return join(realpathSync(existing), relative(existing, path));
}

/** A workload name (metadata.name): a lowercase RFC 1123 label of 2-63 characters, so it is safe as a path segment. */
export const WORKLOAD_NAME = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

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
