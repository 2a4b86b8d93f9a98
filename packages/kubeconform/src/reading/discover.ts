/** File discovery as filepath.Walk in kubeconform's FromFiles (spec §1.2). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { re2 } from '../compiling/re2';

export type Discovered = { kind: 'file'; path: string; abs: string } | { kind: 'error'; path: string; error: string };

const wanted = (name: string) => /\.(ya?ml|json)$/i.test(name);

function goLstatError(p: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOENT') return `lstat ${p}: no such file or directory`;
  if (e.code === 'ENOTDIR') return `lstat ${p}: not a directory`;
  if (e.code === 'EACCES') return `open ${p}: permission denied`;
  return `lstat ${p}: ${e.message}`;
}

/**
 * Walks each argument in lexical order without following symlinks. A bad ignore pattern stops the
 * walk of that argument with an error, as in kubeconform.
 */
export function* discover(args: string[], ignorePatterns: string[], cwd: string): Generator<Discovered> {
  for (const root of args) {
    try {
      yield* walk(root, ignorePatterns, cwd);
    } catch (e) {
      if (e instanceof WalkError) yield { kind: 'error', path: root, error: e.message };
      else throw e;
    }
  }
}

class WalkError extends Error {}

function ignored(p: string, patterns: string[]): boolean {
  for (const pat of patterns) {
    let rx;
    try {
      rx = re2(pat);
    } catch (e) {
      throw new WalkError((e as Error).message);
    }
    if (rx.test(p)) return true;
  }
  return false;
}

function* walk(p: string, patterns: string[], cwd: string): Generator<Discovered> {
  const abs = path.resolve(cwd, p);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    throw new WalkError(goLstatError(p, e as NodeJS.ErrnoException));
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = fs.readdirSync(abs);
    } catch (e) {
      throw new WalkError(`open ${p}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const n of names) yield* walk(path.join(p, n), patterns, cwd);
    return;
  }
  if (!wanted(path.basename(p))) return;
  if (ignored(p, patterns)) return;
  yield { kind: 'file', path: p, abs };
}
