import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import type { ExecutorContext, PromiseExecutor, TaskGraph } from '@nx/devkit';
import { checkedPathInside, GenerateCache, generateService, SERVICE_CONFIG_FILE, WORKLOAD_NAME, writeFileAtomic } from '@score-nx/engine';
import { ALL_ENVIRONMENTS, MANIFESTS_FILE, outputDir } from '../../paths';
import { scanMemo, WorkspaceState } from '../../workspace-state';
import { checkConfiguration, describeError, streamBatch, projectRoot } from '../shared';
import type { BatchExecutorTaskResult, TaskOutcome, TaskRef } from '../shared';
import type { GenerateExecutorOptions } from './schema';

/** Shared by the tasks of one process: loaded environments and libraries. */
export interface GenerateSession {
  root: string;
  cache: GenerateCache;
  state: WorkspaceState;
}

export function newSession(root: string): GenerateSession {
  return { root, cache: new GenerateCache(scanMemo(root)), state: new WorkspaceState(root) };
}

/** Removes what the session extracted (a pinned release's files, for command provisioners). */
export function endSession(session: GenerateSession): void {
  (session.cache as GenerateCache & { dispose?: () => void }).dispose?.();
}

/** Renders the environments of one task and writes `<outputRoot>/<env>/<service>/manifests.yaml`. */
export function runGenerate(options: GenerateExecutorOptions, task: TaskRef, context: ExecutorContext, session: GenerateSession): TaskOutcome {
  const lines: string[] = [];
  const fail = (message: string): TaskOutcome => ({ success: false, lines: [...lines, message] });
  const configError = checkConfiguration(context, task);
  if (configError) return fail(configError);
  if (options.serviceError !== undefined) return fail(options.serviceError);
  try {
    const { root, state } = session;
    const service = task.project;
    const serviceRoot = projectRoot(context, service);
    const outputRoot = options.outputRoot ?? 'dist/manifests';
    // The project name is the Score file's metadata.name, which the engine validates only later: nothing may be
    // deleted or written from it before it is known to be a plain label (no `/`, no `..`).
    if (!WORKLOAD_NAME.test(service)) {
      return fail(`${service}:${task.target}: '${service}' (metadata.name) is not a valid workload name (a lowercase RFC 1123 label of 2-63 characters); nothing was deleted or written`);
    }
    // Every path below is checked to lie inside the output root, symlinks resolved, before it is touched.
    const base = checkedPathInside(root, outputRoot, 'outputRoot');
    const inOutput = (dir: string) => checkedPathInside(base, join(root, dir), 'output folder');
    const envs = state.environments();
    const environment = options.environment ?? ALL_ENVIRONMENTS;
    const deployed = options.environments;
    if (environment !== ALL_ENVIRONMENTS) {
      const env = envs.get(environment);
      if (!env) return fail(`${service}:${task.target}: unknown environment '${environment}' (environments/ defines: ${[...envs.keys()].join(', ') || 'none'})`);
      if (env.preview && !options.preview) return fail(`${service}:${task.target}: '${environment}' is a preview environment: render it with the preview target and --pr=<number>`);
      if (!env.preview && options.preview) return fail(`${service}:${task.target}: '${environment}' is not a preview environment`);
      if (env.preview && options.pr === undefined) return fail(`${service}:${task.target}: a preview render needs the pull request number: --pr=<number>`);
    } else if (options.pr !== undefined) {
      return fail(`${service}:${task.target}: --pr applies to one preview environment, not to every environment`);
    }

    // Clean exactly the task's outputs first, so that a stale render never ends up in the cache.
    const renders = environment === ALL_ENVIRONMENTS ? (deployed ?? []) : deployed === undefined || deployed.includes(environment) ? [environment] : [];
    if (environment === ALL_ENVIRONMENTS) {
      if (existsSync(base)) {
        for (const entry of readdirSync(base, { withFileTypes: true })) {
          if (entry.isDirectory() && !envs.get(entry.name)?.preview) rmSync(inOutput(outputDir(outputRoot, entry.name, service)), { recursive: true, force: true });
        }
      }
    } else {
      rmSync(inOutput(outputDir(outputRoot, environment, service, options.pr)), { recursive: true, force: true });
    }
    if (renders.length === 0) {
      lines.push(`${service} does not deploy to ${environment === ALL_ENVIRONMENTS ? 'any environment' : environment} (${SERVICE_CONFIG_FILE}): nothing to render`);
      return { success: true, lines };
    }

    for (const envName of renders) {
      const result = generateService({
        workspaceRoot: root,
        serviceDir: serviceRoot,
        ...(options.scoreFile !== undefined ? { scoreFile: options.scoreFile } : {}),
        environment: envName,
        ...(options.pr !== undefined ? { pr: options.pr } : {}),
        cache: session.cache,
      });
      for (const w of result.warnings) lines.push(`warning: ${w}`);
      const dir = outputDir(outputRoot, envName, service, options.pr);
      mkdirSync(inOutput(dir), { recursive: true });
      writeFileAtomic(inOutput(`${dir}/${MANIFESTS_FILE}`), result.yaml);
      lines.push(
        `${service} (${envName}${options.pr !== undefined ? ` #${options.pr}` : ''}, provisioners ${result.libraryVersion}): ${result.objects.length} objects in namespace ${result.namespace} -> ${dir}/${MANIFESTS_FILE}`,
      );
    }
    return { success: true, lines };
  } catch (err) {
    return fail(describeError(err));
  }
}

const generateExecutor: PromiseExecutor<GenerateExecutorOptions> = async (options, context) => {
  const task: TaskRef = { project: context.projectName!, target: context.targetName!, configuration: context.configurationName };
  const session = newSession(context.root);
  const outcome = runGenerate(options, task, context, session);
  endSession(session);
  for (const line of outcome.lines) (outcome.success ? logger.info : logger.error)(line);
  return { success: outcome.success };
};

export default generateExecutor;

/**
 * Batch mode (`NX_BATCH_MODE=true` or `--batch`): every generate task of the run in one process, sharing one
 * GenerateCache, so libraries and environments are loaded once instead of once per task.
 */
export async function* generateBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, GenerateExecutorOptions>,
  _overrides: GenerateExecutorOptions,
  context: ExecutorContext,
): AsyncIterableIterator<BatchExecutorTaskResult> {
  const session = newSession(context.root);
  try {
    yield* streamBatch(taskGraph, inputs, (options, ref) => runGenerate(options, ref, context, session));
  } finally {
    endSession(session);
  }
}
