import type { CustomHasher, HasherContext, TaskGraph } from '@nx/devkit';

type Task = Parameters<CustomHasher>[0];
type Hash = Awaited<ReturnType<CustomHasher>>;
interface BatchableHasher {
  hashTasks(tasks: Task[], taskGraph: TaskGraph, perTaskEnvs: Record<string, NodeJS.ProcessEnv>): Promise<Hash[]>;
}
interface Pending {
  task: Task;
  env: NodeJS.ProcessEnv;
  resolve: (hash: Hash) => void;
  reject: (err: unknown) => void;
}

const queues = new Map<HasherContext['hasher'], { taskGraph: TaskGraph; pending: Pending[] }>();

/**
 * Nx's own hash of a task, for a custom hasher to extend. Nx calls custom hashers one task at a time, and one
 * `hashTask` per task costs about 10 ms (500 services: 5 s). Nx starts every custom hasher of a run in the same
 * tick, so the requests are collected and hashed with one batched `hashTasks` call.
 */
export function baseHash(task: Task, context: HasherContext): Promise<Hash> {
  const env = (context as HasherContext & { env?: NodeJS.ProcessEnv }).env ?? process.env;
  return new Promise<Hash>((resolve, reject) => {
    let queue = queues.get(context.hasher);
    if (!queue) {
      queue = { taskGraph: context.taskGraph, pending: [] };
      queues.set(context.hasher, queue);
      setImmediate(() => flush(context.hasher));
    }
    queue.pending.push({ task, env, resolve, reject });
  });
}

function flush(hasher: HasherContext['hasher']): void {
  const queue = queues.get(hasher)!;
  queues.delete(hasher);
  const { pending, taskGraph } = queue;
  const perTaskEnvs = Object.fromEntries(pending.map((p) => [p.task.id, p.env]));
  (hasher as unknown as BatchableHasher)
    .hashTasks(
      pending.map((p) => p.task),
      taskGraph,
      perTaskEnvs,
    )
    .then(
      (hashes) =>
        pending.forEach((p, i) => {
          const hash = hashes[i];
          // Nx returns one hash per task, in order; a short answer is a bug to report, never a task without a hash.
          if (hash === undefined) p.reject(new Error(`the task hasher returned ${hashes.length} hashes for ${pending.length} tasks`));
          else p.resolve(hash);
        }),
      (err: unknown) => pending.forEach((p) => p.reject(err)),
    );
}
