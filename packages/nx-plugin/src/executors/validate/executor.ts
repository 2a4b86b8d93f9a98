import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import type { ExecutorContext, PromiseExecutor, TaskGraph } from '@nx/devkit';
import { ALL_ENVIRONMENTS } from '../../paths';
import { checkConfiguration, describeError, streamBatch } from '../shared';
import type { BatchExecutorTaskResult, TaskOutcome, TaskRef } from '../shared';
import { checkRenderFile, isAdmissionInputError } from './admission';
import { createValidator } from './kubeconform';
import type { KubeconformValidator } from './kubeconform';
import { validatedRenders } from './renders';
import type { ValidateExecutorOptions } from './schema';

/** Validators by options, shared by the tasks of one process. */
export type ValidatorPool = Map<string, KubeconformValidator>;

export async function runValidate(options: ValidateExecutorOptions, task: TaskRef, context: ExecutorContext, pool: ValidatorPool): Promise<TaskOutcome> {
  const lines: string[] = [];
  const configError = checkConfiguration(context, task);
  if (configError) return { success: false, lines: [configError] };
  if (options.serviceError !== undefined) return { success: false, lines: [options.serviceError] };
  try {
    const service = task.project;
    const renders = validatedRenders(options, service);
    if (renders.length === 0) {
      const environment = options.environment ?? ALL_ENVIRONMENTS;
      return { success: true, lines: [`${service} does not deploy to ${environment === ALL_ENVIRONMENTS ? 'any environment' : environment}: nothing to validate`] };
    }
    let success = true;
    for (const { env, file } of renders) {
      const kubernetesVersion = options.kubernetesVersions?.[env];
      if (!kubernetesVersion) return { success: false, lines: [...lines, `${service}:${task.target}: no Kubernetes version for environment '${env}' in the options`] };
      const abs = join(context.root, file);
      if (!existsSync(abs)) return { success: false, lines: [...lines, `${file}: missing; run ${service}:generate:${env} first`] };
      const validatorOptions = {
        kubernetesVersion,
        ...(options.schemaLocations ? { schemaLocations: options.schemaLocations } : {}),
        strict: options.strict ?? true,
        ignoreMissingSchemas: options.ignoreMissingSchemas ?? false,
        cwd: context.root,
        admission: options.admission ?? true,
      };
      const key = JSON.stringify(validatorOptions);
      let validator = pool.get(key);
      if (!validator) {
        validator = createValidator(validatorOptions);
        pool.set(key, validator);
      }
      const content = readFileSync(abs);
      const results = await validator.validateFile(file, content);
      const counts: Record<string, number> = {};
      for (const r of results) {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (r.status === 'invalid' || r.status === 'error') {
          success = false;
          const errors = (r.validationErrors ?? []) as { path: string; msg: string; source?: string }[];
          // With admission findings, the validator's message repeats them after the schema errors: print the list
          // instead, each finding once with its source (schema errors carry none).
          const listed = errors.some((e) => e.source !== undefined);
          lines.push(listed ? `${file}: ${r.kind} ${r.name} is ${r.status}:` : `${file}: ${r.kind} ${r.name} is ${r.status}: ${r.msg}`);
          for (const e of errors) lines.push(`  [${e.source ?? 'schema'}] ${e.path}: ${e.msg}`);
        }
      }
      if (validatorOptions.admission) {
        // References and policies need the whole render; per-object checks (CEL, native) ran in the validator.
        const findings = checkRenderFile(context.root, file, content, env);
        for (const f of findings) {
          const line = `${file}: ${f.kind} ${f.name}: [${f.source}] ${f.path || '/'}: ${f.msg}`;
          if (f.warn) lines.push(`warning: ${line}`);
          else {
            success = false;
            lines.push(line);
          }
        }
        const denied = findings.filter((f) => !f.warn).length;
        if (denied > 0) counts['admission findings'] = denied;
        if (findings.length > denied) counts['admission warnings'] = findings.length - denied;
      }
      const summary = Object.entries(counts)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      if (results.some((r) => r.status === 'error' && r.msg.startsWith('could not find schema'))) {
        lines.push(`  schemas were looked up in: ${(validatorOptions.schemaLocations ?? ['default']).join(', ')} (Kubernetes ${kubernetesVersion}); run 'npx score-nx schemas pull' after the library emits a new kind`);
      }
      lines.push(`${service} (${env}, Kubernetes ${kubernetesVersion}): ${summary || 'no resources'}`);
    }
    return { success, lines };
  } catch (err) {
    return { success: false, lines: [...lines, isAdmissionInputError(err) ? err.message : describeError(err)] };
  }
}

const validateExecutor: PromiseExecutor<ValidateExecutorOptions> = async (options, context) => {
  const task: TaskRef = { project: context.projectName!, target: context.targetName!, configuration: context.configurationName };
  const outcome = await runValidate(options, task, context, new Map());
  for (const line of outcome.lines) (outcome.success ? logger.info : logger.error)(line);
  return { success: outcome.success };
};

export default validateExecutor;

/** Batch mode: one process validates every service, compiling each schema once. */
export function validateBatch(
  taskGraph: TaskGraph,
  inputs: Record<string, ValidateExecutorOptions>,
  _overrides: ValidateExecutorOptions,
  context: ExecutorContext,
): AsyncIterableIterator<BatchExecutorTaskResult> {
  const pool: ValidatorPool = new Map();
  return streamBatch(taskGraph, inputs, (options, ref) => runValidate(options, ref, context, pool));
}
