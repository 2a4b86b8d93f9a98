/**
 * Validation of large inputs on worker threads, as kubeconform spreads its work over `-n`
 * goroutines: the main thread only reads, cuts batches of whole documents (see reading/stream.ts) and
 * prints in input order; one worker per thread validates. Validating on the main thread too was
 * tried: its heap, with V8's default limits, grew to ~75 MiB of promoted garbage before the first
 * full collection, which put the peak RSS over 200 MiB. Workers get bounded heaps instead.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import { bufferBlocks, documentBatches, fileBlocks } from '../reading/stream';
import type { ValidationResult, ValidatorOptions } from '../validator/validator';
import { Validator } from '../validator/validator';

/** Inputs smaller than this stay on the main thread: a worker costs ~40 ms and ~25 MiB to start. */
export const PARALLEL_THRESHOLD_BYTES = 4 << 20;
/** Bytes per batch: small enough to balance two threads and bound memory, large enough to amortise messages. */
export const BATCH_BYTES = 256 << 10;
/** Batches queued per worker, so that it never waits for the main thread between two batches. */
const IN_FLIGHT_PER_WORKER = 2;

export interface BatchJob {
  filename: string;
  bytes: Uint8Array;
  /** Standard input keeps zero-length documents; files drop them. */
  keepEmpty: boolean;
}

// Workers run compiled JavaScript; from the TypeScript sources (tests) that is the built dist copy.
const workerFile = __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/command-line/parallel.js') : path.join(__dirname, 'parallel.js');

/** From the TypeScript sources (tests) the dist copy may be stale or absent, so only compiled code starts workers. */
export function canRunParallel(): boolean {
  return __filename.endsWith('.js');
}

/** Threads for validation: `-n` (kubeconform's goroutines) bounded by the cores there are. */
export function workerCount(n: number): number {
  return Math.max(1, Math.min(n, os.availableParallelism()));
}

interface Reply {
  id: number;
  results?: ValidationResult[];
  error?: string;
}

/**
 * A small young generation: documents die young, and the peak RSS follows the young generation's
 * size (30,000 resources, two workers: 171 MiB at 16 MiB, 144 at 8, 134 at 6; CPU within noise).
 * A bounded old generation makes V8 collect it early (without a bound each worker's heap grew to
 * ~56 MiB first, 200+ MiB in all); a batch that does not fit is validated again on the main thread.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 128 };

/** Worker threads that validate batches. */
export class ValidationPool {
  private readonly workers: { worker: Worker; inFlight: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ValidationResult[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private freed: (() => void)[] = [];
  /** Set when a worker failed (e.g. out of its bounded memory): the rest runs on the main thread. */
  broken = false;

  constructor(options: ValidatorOptions, threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerFile, { workerData: { options }, resourceLimits: WORKER_LIMITS });
      const slot = { worker, inFlight: 0 };
      worker.on('message', (m: Reply) => {
        slot.inFlight--;
        const f = this.freed;
        this.freed = [];
        for (const g of f) g();
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.results ?? []);
      });
      worker.on('error', (e) => this.failAll(e));
      worker.on('exit', (code) => {
        if (code !== 0) this.failAll(new Error(`validation worker exited with code ${code}`));
      });
      this.workers.push(slot);
    }
  }

  private failAll(e: Error): void {
    this.broken = true;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    const f = this.freed;
    this.freed = [];
    for (const g of f) g();
  }

  /** Resolves when a worker has replied (and so has room again). */
  whenFree(): Promise<void> {
    return new Promise((r) => this.freed.push(r));
  }

  /** Sends the job to a worker with room, or returns undefined when all are busy. */
  trySubmit(job: BatchJob): Promise<ValidationResult[]> | undefined {
    if (this.broken) return undefined;
    let best: { worker: Worker; inFlight: number } | undefined;
    for (const w of this.workers) if (w.inFlight < IN_FLIGHT_PER_WORKER && (best === undefined || w.inFlight < best.inFlight)) best = w;
    if (best === undefined) return undefined;
    const id = this.nextId++;
    best.inFlight++;
    const target = best;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      target.worker.postMessage({ id, ...job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/**
 * Validates batches in order, spreading them over the pool and the main thread; `emit` sees the
 * results in input order. Stops reading when `stop()` says so (`-exit-on-error`).
 */
export async function validateBatches(
  validator: Validator,
  pool: ValidationPool | undefined,
  batches: Iterable<BatchJob>,
  emit: (r: ValidationResult) => void,
  stop: () => boolean,
): Promise<void> {
  const queue: { results?: ValidationResult[]; done: Promise<unknown> }[] = [];
  const drain = () => {
    while (queue.length > 0 && queue[0]!.results !== undefined) {
      for (const r of queue.shift()!.results!) {
        if (stop()) return;
        emit(r);
      }
    }
  };
  const local = (job: BatchJob) => validator.validateBytes(job.filename, Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.keepEmpty);
  for (const job of batches) {
    if (stop()) break;
    let remote = pool?.trySubmit(job);
    while (remote === undefined && pool !== undefined && !pool.broken) {
      await pool.whenFree();
      drain();
      remote = pool.trySubmit(job);
    }
    if (remote !== undefined) {
      const slot: { results?: ValidationResult[]; done: Promise<unknown> } = { done: Promise.resolve() };
      // A batch whose worker failed is validated again here, with the main thread's unbounded heap.
      slot.done = remote.then(
        (r) => (slot.results = r),
        async () => (slot.results = await local(job)),
      );
      queue.push(slot);
    } else {
      queue.push({ results: await local(job), done: Promise.resolve() });
    }
    drain();
  }
  await Promise.all(queue.map((s) => s.done));
  drain();
}

/**
 * One command-line run: inputs are streamed in batches, and a pool is started the first time an
 * input is large enough to pay for it (then kept for the remaining inputs). The run owns its threads
 * and builds each thread's validator from the same options, as kubeconform's main.go starts its
 * goroutines around one validator: the Validator knows nothing of threads.
 */
export class ValidationRun {
  private pool: ValidationPool | undefined;
  private readonly validator: Validator;

  /** Throws TemplateError (from the Validator) for a location template that does not render. */
  constructor(
    private readonly options: ValidatorOptions,
    private readonly threads: number,
  ) {
    this.validator = new Validator(options);
  }

  private poolFor(size: number): ValidationPool | undefined {
    if (this.pool === undefined && this.threads > 1 && size >= PARALLEL_THRESHOLD_BYTES && canRunParallel()) {
      this.pool = new ValidationPool(this.options, this.threads);
    }
    return this.pool;
  }

  /** A file: zero-length documents dropped, one Empty result when it yields no resource. */
  async file(filename: string, abs: string, emit: (r: ValidationResult) => void, stop: () => boolean): Promise<void> {
    const fd = fs.openSync(abs, 'r');
    let count = 0;
    try {
      const size = fs.fstatSync(fd).size;
      const pool = this.poolFor(size);
      const jobs = (function* () {
        for (const bytes of documentBatches(fileBlocks(fd), BATCH_BYTES)) yield { filename, bytes, keepEmpty: false };
      })();
      await validateBatches(this.validator, pool, jobs, (r) => {
        count++;
        emit(r);
      }, stop);
    } finally {
      fs.closeSync(fd);
    }
    if (count === 0 && !stop()) emit({ filename, kind: '', name: '', namespace: '', version: '', status: 'empty', msg: '' });
  }

  /** Standard input, already read: every document counts, zero-length ones included. */
  async stream(filename: string, content: Buffer, emit: (r: ValidationResult) => void, stop: () => boolean): Promise<void> {
    const pool = this.poolFor(content.length);
    const jobs = (function* () {
      for (const bytes of documentBatches(bufferBlocks(content), BATCH_BYTES)) yield { filename, bytes, keepEmpty: true };
    })();
    await validateBatches(this.validator, pool, jobs, emit, stop);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function workerMain(options: ValidatorOptions): void {
  const v = new Validator(options);
  parentPort!.on('message', (m: BatchJob & { id: number }) => {
    v.validateBytes(m.filename, Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength), m.keepEmpty).then(
      (results) => parentPort!.postMessage({ id: m.id, results } satisfies Reply),
      (e: Error) => parentPort!.postMessage({ id: m.id, error: e.message } satisfies Reply),
    );
  });
}

if (!isMainThread && parentPort !== null && (workerData as { options?: ValidatorOptions } | undefined)?.options !== undefined) {
  workerMain((workerData as { options: ValidatorOptions }).options);
}
