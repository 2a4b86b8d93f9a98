import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import type { CustomHasher, HasherContext } from '@nx/devkit';
import { baseHash } from '../base-hash';
import { validatorFingerprint } from '../../plugin/fingerprint';
import { validatedRenders } from './renders';
import type { ValidateExecutorOptions } from './schema';

type Task = Parameters<CustomHasher>[0];

/**
 * Task hash of validate: Nx's own (the options with each environment's Kubernetes version and the schema locations,
 * the schema files), the validator's code fingerprint, the workspace's policies/, and the renders it validates.
 *
 * The renders enter as the hash of the generate task that wrote them, not as their files: a render is a function of
 * its generate task's hash (that is what caches generate), and Nx hashes a task only after its dependencies have
 * completed, so that hash is set. Declaring the renders as `dependentTasksOutputFiles` instead made Nx expand and
 * read every generate output again for every validate task: 3.8 s of the 2,000-service cached run. When the generate
 * task is not part of the run (`--excludeTaskDependencies`), the task validates whatever is on disk, and the hasher
 * hashes those files.
 */
export const validateHasher = (task: Task, context: HasherContext) => validateTaskHash(task, context, workspaceRoot);

export default validateHasher;

/** validateHasher for the workspace at `root`. */
export async function validateTaskHash(task: Task, context: HasherContext, root: string) {
  const renders = rendersFingerprint(task, context, root);
  const base = await baseHash(task, context);
  const { validator, policies } = fingerprintsOnce(context, root);
  const value = createHash('sha256').update(`${base.value}\0score:validator=${validator}\0score:policies=${policies}\0score:renders=${renders}`).digest('hex');
  return { ...base, value, details: { ...base.details, nodes: { ...base.details.nodes, 'score:validator': validator, 'score:policies': policies, 'score:renders': renders } } };
}

/**
 * What the task validates: the hashes of the tasks it depends on (its generate task) when they are in the run, else
 * the content of each render file it reads (`missing` for one that is not there).
 */
export function rendersFingerprint(task: Task, context: HasherContext, root: string): string {
  const deps = [...(context.taskGraph.dependencies[task.id] ?? [])].sort();
  const hashed = deps.map((id) => [id, context.taskGraph.tasks[id]?.hash] as const);
  if (hashed.length > 0 && hashed.every(([, hash]) => hash !== undefined)) {
    return digest(hashed.map(([id, hash]) => `${id}=${hash}`).join('\0'));
  }
  const h = createHash('sha256');
  for (const { file } of validatedRenders(taskOptions(task, context), task.target.project)) {
    h.update(`${file}\0`);
    const abs = join(root, file);
    h.update(existsSync(abs) ? readFileSync(abs) : 'missing').update('\0');
  }
  return `files:${h.digest('hex').slice(0, 16)}`;
}

/** The task's options as the executor receives them: the target's, its configuration's, the command line's. */
function taskOptions(task: Task, context: HasherContext): ValidateExecutorOptions {
  const target = context.projectsConfigurations.projects[task.target.project]?.targets?.[task.target.target];
  const configuration = task.target.configuration ? target?.configurations?.[task.target.configuration] : undefined;
  return { ...(target?.options ?? {}), ...(configuration ?? {}), ...task.overrides } as ValidateExecutorOptions;
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * The validator's code and policies/ are fingerprinted once per run, not once per task: the task graph is one object
 * per nx command (also under the daemon, which keeps this module between commands).
 */
const byRun = new WeakMap<object, { validator: string; policies: string }>();

function fingerprintsOnce(context: HasherContext, root: string): { validator: string; policies: string } {
  let fingerprints = byRun.get(context.taskGraph);
  if (fingerprints === undefined) byRun.set(context.taskGraph, (fingerprints = { validator: validatorFingerprint(), policies: policiesFingerprint(root) }));
  return fingerprints;
}

/** The admission policies and platform objects of the workspace (policies/*.yaml) that validate evaluates. */
export function policiesFingerprint(root: string): string {
  const h = createHash('sha256');
  const dir = join(root, 'policies');
  if (existsSync(dir)) for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}
