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
}

const FORMAT = 'score-nx-scan-memo/1';

/** One scan's view of the memo: what it finds there, what it parsed anew, and the entries it used (to write back). */
export class ScanMemo {
  private readonly previous: Map<string, unknown>;
  private readonly used = new Map<string, unknown>();
  private missed = false;

  constructor(private readonly options?: ScanMemoOptions) {
    this.previous = options ? readMemo(options) : new Map();
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
    const value = parse();
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

function readMemo({ file, salt }: ScanMemoOptions): Map<string, unknown> {
  try {
    const data = deserialize(readFileSync(file)) as { format?: unknown; salt?: unknown; entries?: unknown } | null;
    if (data && data.format === FORMAT && data.salt === salt && data.entries instanceof Map) return data.entries as Map<string, unknown>;
  } catch {
    // missing, truncated or from another format: start over
  }
  return new Map();
}
