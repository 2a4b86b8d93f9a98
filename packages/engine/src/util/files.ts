import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  const root = realpathSync.native(serviceDir);
  const wanted = resolve(dirname(scoreFile), source);
  if (!isInside(resolve(serviceDir), wanted)) {
    throw new DocumentError(path, `source '${source}' leaves the service folder`);
  }
  if (!existsSync(wanted)) throw new DocumentError(path, `source '${source}' does not exist`);
  const real = realpathSync.native(wanted);
  if (!isInside(root, real)) {
    throw new DocumentError(path, `source '${source}' is a symlink that leads out of the service folder`);
  }
  const read = readRegularFile(real, MAX_SOURCE_BYTES);
  if (typeof read === 'string') throw new DocumentError(path, `source '${source}' ${read}`);
  return read;
}

/** A ConfigMap holds at most 1 MiB (the API's limit): a larger source could never be applied. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Score files, service configs and environment files: far above any real one, far below what hurts. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Reads a regular file of at most `maxBytes`, or returns why not (a sentence to follow the file's name). The file is
 * opened non-blocking and checked on its descriptor, so that a FIFO or a device never hangs the tool and a file
 * swapped after the check is not read.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer | string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist (or is a dangling symlink)' : `cannot be read: ${code ?? (err as Error).message}`;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return `is not a regular file (${stat.isDirectory() ? 'a directory' : 'a FIFO, socket or device'})`;
    if (stat.size > maxBytes) return `is ${stat.size} bytes, more than the limit of ${maxBytes}`;
    return readFileSync(fd);
  } catch (err) {
    return `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  } finally {
    closeSync(fd);
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
  // realpathSync.native everywhere here: libc's realpath(3) in one call instead of Node's JavaScript walk that
  // lstats every component (a batch checks every output folder of every task, and every document it reads).
  return join(realpathSync.native(existing), relative(existing, path));
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

/**
 * Reads a YAML document: a regular file of bounded size, optionally required to stay (symlinks resolved) inside
 * `insideDir`, decoded as strict UTF-8. Invalid UTF-8 and NUL are errors with line and column instead of silently
 * becoming U+FFFD or passing through.
 */
export function readDocumentText(file: string, display: string, what: string, insideDir?: string): string {
  if (insideDir !== undefined && existsSync(file) && !isInside(realpathSync.native(insideDir), realpathSync.native(file))) {
    throw new UserError(`${display}: the ${what} is a symlink that leads out of the service folder`);
  }
  const read = readRegularFile(file, MAX_DOCUMENT_BYTES);
  if (typeof read === 'string') throw new UserError(`${display}: the ${what} ${read}`);
  const text = read.toString('utf8');
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', from)) {
    const byte = Buffer.byteLength(text.slice(0, i));
    if (!(read[byte] === 0xef && read[byte + 1] === 0xbf && read[byte + 2] === 0xbd)) {
      throw new DocumentError([], `invalid UTF-8 (byte 0x${read[byte]!.toString(16).padStart(2, '0')} at offset ${byte}): save the file as UTF-8`, display, positionOf(text, i));
    }
    from = i + 1;
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) throw new DocumentError([], 'a NUL character is not allowed in a YAML document', display, positionOf(text, nul));
  return text;
}

function positionOf(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}
