import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GenerateCache, generateService, isUserError, loadEnvironments } from '@score-nx/engine';
import type { K8sObject } from '@score-nx/engine';
import { listServices } from './services';

/** A way to render every service of one side of the comparison. */
export interface RenderSide {
  label: string;
  root: string;
  libraryVersion?: string;
}

/** One render: a service in one environment on one side. Plain data, so it crosses to a worker thread. */
export interface RenderTask {
  side: number;
  root: string;
  libraryVersion?: string;
  service: string;
  serviceDir: string;
  environment: string;
  pr?: number;
}

/** A render's outcome; `skipped` when the service does not deploy to the environment. */
export type Rendered = { objects: K8sObject[] } | { error: string } | { skipped: true };

export interface RenderResult {
  task: RenderTask;
  rendered: Rendered;
}

/**
 * Every render both sides need, ordered by side, environment, service: neighbours share a library version and an
 * environment, so a thread handed a run of them loads and compiles each library once.
 */
export function renderTasks(sides: readonly RenderSide[], environments: readonly string[], pr: number | undefined): RenderTask[] {
  const tasks: RenderTask[] = [];
  sides.forEach((side, index) => {
    const envs = loadEnvironments(side.root);
    const services = listServices(side.root);
    for (const environment of environments) {
      const def = envs.get(environment);
      if (!def) continue;
      for (const service of services) {
        tasks.push({
          side: index,
          root: side.root,
          service: service.name,
          serviceDir: service.dir,
          environment,
          ...(def.preview ? { pr: pr ?? 1 } : {}),
          ...(side.libraryVersion ? { libraryVersion: side.libraryVersion } : {}),
        });
      }
    }
  });
  return tasks;
}

/**
 * Renders tasks one after the other, one engine cache per side (the library and environments are read once).
 * What a worker thread runs, and what the CLI runs itself when threads would not pay for their start-up.
 */
export class TaskRenderer {
  private readonly caches = new Map<string, GenerateCache>();

  render(task: RenderTask): Rendered {
    const cacheKey = `${task.root}\0${task.libraryVersion ?? ''}`;
    let cache = this.caches.get(cacheKey);
    if (!cache) {
      cache = new GenerateCache();
      this.caches.set(cacheKey, cache);
    }
    try {
      const r = generateService({
        workspaceRoot: task.root,
        serviceDir: task.serviceDir,
        environment: task.environment,
        cache,
        ...(task.pr !== undefined ? { pr: task.pr } : {}),
        ...(task.libraryVersion ? { libraryVersion: task.libraryVersion } : {}),
      });
      return { objects: r.objects };
    } catch (err) {
      if (!isUserError(err)) throw err;
      // A service that does not deploy to an environment has nothing to compare there.
      if (/does not deploy to environment/.test(err.message)) return { skipped: true };
      return { error: err.message };
    }
  }

  dispose(): void {
    for (const cache of this.caches.values()) cache.dispose();
    this.caches.clear();
  }
}

/** The worker entry beside this file once built (dist/ or the CLI bundle); from the sources, the built one. */
const workerFile = __filename.endsWith('.ts') ? resolve(__dirname, '../dist/diff-worker.js') : join(__dirname, 'diff-worker.js');

/** Renders below this many per thread are done in-process: a thread's start-up (loading the engine) costs about that. */
const MIN_TASKS_PER_THREAD = 8;

/** How many threads to use when the user does not say: one per CPU, fewer when there is little to do. */
export function defaultJobs(taskCount: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(taskCount / MIN_TASKS_PER_THREAD)));
}

/**
 * Renders every task, on `jobs` worker threads (in-process when 1), calling `onDone` after each render.
 * Results come back in task order whatever order the threads finish in. A crash of the engine (not a user
 * error) in any thread rejects, and every thread is stopped.
 */
export async function renderInParallel(tasks: readonly RenderTask[], jobs: number, onDone: () => void = () => {}): Promise<RenderResult[]> {
  if (jobs <= 1 || tasks.length === 0) {
    const renderer = new TaskRenderer();
    try {
      return tasks.map((task) => {
        const rendered = renderer.render(task);
        onDone();
        return { task, rendered };
      });
    } finally {
      renderer.dispose();
    }
  }
  const results: Array<Rendered | undefined> = new Array(tasks.length);
  // One run of neighbouring tasks per thread: measured on 200 services, a thread that meets more sides and library
  // versions compiles each of their validators again, which cost more than the balance that smaller runs buy.
  const runLength = Math.max(1, Math.ceil(tasks.length / jobs));
  const workers: Worker[] = [];
  try {
    await new Promise<void>((done, fail) => {
      let pending = tasks.length;
      let next = 0;
      const feed = (worker: Worker) => {
        if (next >= tasks.length) return;
        const end = Math.min(next + runLength, tasks.length);
        worker.postMessage(tasks.slice(next, end).map((task, i) => ({ index: next + i, task })));
        next = end;
      };
      for (let i = 0; i < Math.min(jobs, tasks.length); i++) {
        const worker = new Worker(workerFile);
        workers.push(worker);
        let inFlight = 0;
        const give = () => {
          const before = next;
          feed(worker);
          inFlight += next - before;
        };
        worker.on('message', (m: { index: number; rendered: Rendered } | { crash: string }) => {
          if ('crash' in m) return fail(new Error(m.crash));
          results[m.index] = m.rendered;
          onDone();
          inFlight--;
          if (--pending === 0) return done();
          // The next run is sent while the thread is still on its last one, so it never waits for work.
          if (inFlight < runLength) give();
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (pending > 0 && code !== 0) fail(new Error(`a diff render thread stopped with exit code ${code}`));
        });
        give();
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return tasks.map((task, i) => ({ task, rendered: results[i]! }));
}
