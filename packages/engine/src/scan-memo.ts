import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from './util/files';
import { sha256Hex } from './util/hash';

/**
 * Where scanServices may keep what it parsed between processes. One Nx command scans the whole workspace in the
 * task hasher and again in the batch process, and every later command scans it again, while what a scan reads of a
 * file depends on nothing but its bytes: the parse is memoised by content hash. The memo is local state like Nx's
 * own cache (keep it in an ignored folder): a stale or unreadable memo is ignored, never trusted over the bytes.
 */
export interface ScanMemoOptions {
  /** The memo file; its folder is created. */
  file: string;
  /** What else decides how a file reads (the engine build, say): a memo written under another salt is ignored. */
  salt: string;
  /**
   * The memo files of other readers that keep the same kinds of parse (under the same salt), read when this one
   * has nothing yet (after `nx reset`, say): the first reader of a command then parses for the others.
   */
  alsoRead?: readonly string[];
}

const FORMAT = 'score-nx-scan-memo/1';

/** One scan's view of the memo: what it finds there, what it parsed anew, and the entries it used (to write back). */
export class ScanMemo {
  private readonly previous: Map<string, unknown>;
  private readonly used = new Map<string, unknown>();
  /** Entries of the other readers' memos (see ScanMemoOptions.alsoRead): used as parses, written to this memo. */
  private readonly borrowed = new Map<string, unknown>();
  private missed = false;

  constructor(private readonly options?: ScanMemoOptions) {
    this.previous = options ? readMemo(options.file, options.salt) : new Map();
    if (options && this.previous.size === 0) {
      for (const other of options.alsoRead ?? []) for (const [key, value] of readMemo(other, options.salt)) this.borrowed.set(key, value);
    }
  }

  /** What `parse` gives for `bytes` (of the kind `kind`): from the memo when these bytes were parsed before. */
  get<T>(kind: string, bytes: string | Uint8Array, parse: () => T): T {
    if (!this.options) return parse();
    const key = `${kind}:${sha256Hex(bytes)}`;
    if (this.previous.has(key)) {
      const value = this.previous.get(key) as T;
      this.used.set(key, value);
      return value;
    }
    const value = this.borrowed.has(key) ? (this.borrowed.get(key) as T) : parse();
    this.used.set(key, value);
    this.missed = true;
    return value;
  }

  /** Writes the entries this scan used (so the memo never outgrows the workspace), when they differ from what it read. */
  save(): void {
    if (!this.options || (!this.missed && this.used.size === this.previous.size)) return;
    try {
      mkdirSync(dirname(this.options.file), { recursive: true });
      writeFileAtomic(this.options.file, serialize({ format: FORMAT, salt: this.options.salt, entries: this.used }));
    } catch {
      // A memo that cannot be written costs the next scan time, never correctness.
    }
  }
}

function readMemo(file: string, salt: string): Map<string, unknown> {
  try {
    const data = deserialize(readFileSync(file)) as { format?: unknown; salt?: unknown; entries?: unknown } | null;
    if (data && data.format === FORMAT && data.salt === salt && data.entries instanceof Map) return data.entries as Map<string, unknown>;
  } catch {
    // missing, truncated or from another format: start over
  }
  return new Map();
}
