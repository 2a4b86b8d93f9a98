import { ALL_ENVIRONMENTS, MANIFESTS_FILE, outputDir } from '../../paths';
import type { ValidateExecutorOptions } from './schema';

/** One rendered file a validate task checks: its environment and its workspace-relative path. */
export interface ValidatedRender {
  env: string;
  file: string;
}

/**
 * The renders a validate task reads, one per environment it checks (none when the service deploys to none of them):
 * what the executor validates and what the hasher hashes when the generate task is not part of the run.
 */
export function validatedRenders(options: ValidateExecutorOptions, service: string): ValidatedRender[] {
  const outputRoot = options.outputRoot ?? 'dist/manifests';
  const environment = options.environment ?? ALL_ENVIRONMENTS;
  const deployed = options.environments;
  const envs = environment === ALL_ENVIRONMENTS ? (deployed ?? []) : deployed === undefined || deployed.includes(environment) ? [environment] : [];
  return envs.map((env) => ({ env, file: `${outputDir(outputRoot, env, service)}/${MANIFESTS_FILE}` }));
}
