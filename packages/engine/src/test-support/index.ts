import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';

/** Runs `fn`, checks that it throws an instance of `type`, and returns the error. */
export function thrown<T extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => T): T {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error('expected an error, got none');
  expect(caught).toBeInstanceOf(type);
  return caught as T;
}

/** The first 10 hex chars of sha256 over NUL-joined parts, computed independently of the engine's helper. */
export function h10(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 10);
}

/** A fresh folder under the OS temp dir, removed after the current test. Call inside a test. */
export function useTempDir(prefix = 'score-nx-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
