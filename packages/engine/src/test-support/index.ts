import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
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

/** Whether Python's libyaml binding (`yaml.CSafeLoader`, a YAML 1.1 reader like go-yaml v2) can be run here. */
export const libyamlAvailable: boolean = (() => {
  const r = spawnSync('python3', ['-c', 'import yaml; yaml.CSafeLoader'], { encoding: 'utf8' });
  return r.status === 0;
})();

/**
 * Reads each multi-document YAML text with libyaml (Python's `yaml.CSafeLoader`) in one process and returns the
 * documents as JSON values, or the reader's error message for a text it rejects.
 */
export function readWithLibyaml(texts: readonly string[]): Array<unknown[] | { error: string }> {
  const script = [
    'import json, sys, yaml',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    try: out.append(list(yaml.load_all(text, Loader=yaml.CSafeLoader)))',
    '    except Exception as e: out.append({"error": str(e)})',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<unknown[] | { error: string }>;
}
