/**
 * Streaming of large inputs: bytes are read in blocks and cut after a complete `---` separator line,
 * so every batch holds whole documents and splitting each batch gives exactly the chunks that
 * splitting the whole input would (the splitter only looks at "\n---" and the end of that line).
 * Nothing holds the whole file, its decoded text or all of its results at once.
 */
import * as fs from 'node:fs';

const SEP = Buffer.from('\n---');

/** Where the last complete separator line of `buf` ends (the next document starts), or -1. */
export function documentBoundary(buf: Buffer): number {
  let from = buf.length - SEP.length;
  while (from >= 0) {
    const i = buf.lastIndexOf(SEP, from);
    if (i < 0) return -1;
    const nl = buf.indexOf(10, i + SEP.length);
    if (nl >= 0) return nl + 1;
    from = i - 1;
  }
  return -1;
}

/**
 * Batches of whole documents from `readBlock` (which returns null at the end). A batch is cut once
 * at least `target` bytes are pending; a document larger than that grows the read size instead, so
 * a huge document costs no quadratic copying.
 */
export function* documentBatches(readBlock: (size: number) => Buffer | null, target: number): Generator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for (;;) {
    const block = readBlock(Math.max(target, pending.length));
    if (block === null) {
      if (pending.length > 0) yield pending;
      return;
    }
    pending = pending.length === 0 ? block : Buffer.concat([pending, block]);
    if (pending.length < target) continue;
    const cut = documentBoundary(pending);
    if (cut <= 0) continue;
    yield pending.subarray(0, cut);
    pending = pending.subarray(cut);
  }
}

/** Blocks of a file, read synchronously (the caller validates between reads). */
export function fileBlocks(fd: number): (size: number) => Buffer | null {
  return (size) => {
    const buf = Buffer.allocUnsafe(size);
    const n = fs.readSync(fd, buf, 0, size, null);
    return n === 0 ? null : buf.subarray(0, n);
  };
}

/** Blocks of an in-memory buffer (standard input, library callers). */
export function bufferBlocks(content: Buffer): (size: number) => Buffer | null {
  let at = 0;
  return (size) => {
    if (at >= content.length) return null;
    const b = content.subarray(at, at + size);
    at += b.length;
    return b;
  };
}
