import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import type { isUserError as IsUserError } from '@score-nx/engine';

/** What one task needs, in single and in batch mode. */
export interface TaskRef {
  project: string;
  target: string;
  configuration: string | undefined;
}

export interface TaskOutcome {
  success: boolean;
  lines: string[];
}

/**
 * Nx ignores a configuration name the target does not define and runs the defaults: `generate:prd` would then
 * render every environment. The executor refuses it instead.
 */
export function checkConfiguration(context: ExecutorContext, task: TaskRef): string | undefined {
  if (task.configuration === undefined) return undefined;
  const target = context.projectsConfigurations?.projects[task.project]?.targets?.[task.target];
  const known = Object.keys(target?.configurations ?? {});
  const names = task.configuration.split(',');
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length === 0 && names.length === 1) return undefined;
  if (names.length > 1) return `${task.project}:${task.target}: one configuration (environment) at a time, got '${task.configuration}'`;
  return `${task.project}:${task.target}: unknown configuration '${task.configuration}': the configurations are the environments (${known.join(', ') || 'none'})`;
}

export function projectRoot(context: ExecutorContext, project: string): string {
  const root = context.projectsConfigurations?.projects[project]?.root;
  if (root === undefined) throw new Error(`project '${project}' is not in the workspace`);
  return root;
}

export function describeError(err: unknown): string {
  // The engine is required here, not imported: the validate executor shares this file and never loads the engine
  // otherwise (loading it cost a validate batch process 1.3 CPU-s, most of it compiling the engine's schemas).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isUserError }: { isUserError: typeof IsUserError } = require('@score-nx/engine');
  if (isUserError(err)) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/** The tasks of a batch in a stable order, with their configuration. */
export function batchTasks(taskGraph: TaskGraph, ids: string[]): Array<{ id: string; ref: TaskRef }> {
  const tasks = taskGraph.tasks;
  return ids.sort().map((id) => {
    const t = tasks[id];
    if (!t) throw new Error(`task ${id} is not in the task graph`);
    return { id, ref: { project: t.target.project, target: t.target.target, configuration: t.target.configuration } };
  });
}

/** One streamed result of a batch implementation (nx's BatchExecutorTaskResult, which @nx/devkit does not re-export). */
export interface BatchExecutorTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime?: number; endTime?: number };
}

/** Runs the tasks of a batch one after the other, streaming each result to Nx as soon as it is known. */
export async function* streamBatch<T>(
  taskGraph: TaskGraph,
  inputs: Record<string, T>,
  run: (options: T, ref: TaskRef) => TaskOutcome | Promise<TaskOutcome>,
): AsyncIterableIterator<BatchExecutorTaskResult> {
  for (const { id, ref } of batchTasks(taskGraph, Object.keys(inputs))) {
    const startTime = Date.now();
    const options = inputs[id];
    // batchTasks orders the keys of `inputs`, so every id has options; a missing one is a bug, not a task to run.
    if (options === undefined) throw new Error(`batch task ${id} has no options`);
    const outcome = await run(options, ref);
    yield { task: id, result: { success: outcome.success, terminalOutput: outcome.lines.join('\n') + '\n', startTime, endTime: Date.now() } };
  }
}
