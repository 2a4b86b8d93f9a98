/**
 * Validation of large inputs on worker threads. It pays twice: the two cores work in parallel, and
 * workers get a large young generation, which cuts the garbage-collection time that dominates
 * parsing tens of thousands of small documents (~45% of a single-threaded run).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ValidationResult, ValidatorOptions } from './validator';
import { Validator } from './validator';
import type { Chunk } from './yaml-reader';

/** Below this many documents, starting workers (~60 ms each) costs more than it saves. */
export const PARALLEL_THRESHOLD = 5000;

interface Job {
  options: ValidatorOptions;
  filename: string;
  chunks: Chunk[];
}

// Workers run compiled JavaScript; from the TypeScript sources (tests) that is the built dist copy.
const workerFile = __filename.endsWith('.ts') ? path.resolve(__dirname, '../dist/parallel.js') : path.join(__dirname, 'parallel.js');

export function canRunParallel(): boolean {
  return __filename.endsWith('.js');
}

/**
 * Threads worth using: at most `-n`, and only cores that are idle. On a busy machine (the 2-core
 * box this was measured on, shared with other jobs) a second thread made runs slower and costlier,
 * so the one-minute load average decides.
 */
export function workerCount(n: number): number {
  const cores = os.availableParallelism();
  const idle = Math.floor(cores - os.loadavg()[0]);
  return Math.max(1, Math.min(n, cores, idle));
}

function runWorker(job: Job): Promise<ValidationResult[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerFile, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
    w.once('message', (m: ValidationResult[]) => resolve(m));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`validation worker exited with code ${code}`));
    });
  });
}

/** Validates chunks of one input across `workers` threads; results keep input order. */
export async function validateChunksParallel(options: ValidatorOptions, filename: string, chunks: Chunk[], workers: number): Promise<ValidationResult[]> {
  // Contiguous slices of about equal byte size, so that order is preserved by concatenation.
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const slices: Chunk[][] = [];
  let cur: Chunk[] = [];
  let acc = 0;
  for (const c of chunks) {
    cur.push(c);
    acc += c.byteLength;
    if (acc >= (total / workers) * (slices.length + 1) && slices.length < workers - 1) {
      slices.push(cur);
      cur = [];
    }
  }
  slices.push(cur);
  const parts = await Promise.all(slices.map((s) => runWorker({ options, filename, chunks: s })));
  return parts.flat();
}

async function workerMain(job: Job): Promise<void> {
  const v = new Validator(job.options);
  const out: ValidationResult[] = [];
  for (const c of job.chunks) for (const r of await v.validateChunk(job.filename, c)) out.push(r);
  parentPort!.postMessage(out);
}

if (!isMainThread && parentPort !== null && (workerData as Job | undefined)?.chunks !== undefined) {
  void workerMain(workerData as Job);
}
