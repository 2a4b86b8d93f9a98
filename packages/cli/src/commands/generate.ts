import { existsSync, lstatSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { GenerateCache, generateService, renderScoreFile, UserError, writeFileAtomic } from '@score-nx/engine';
import type { GenerateResult } from '@score-nx/engine';
import type { CliIo } from '../io';
import { logger } from '../io';
import { findWorkspaceRoot } from '../workspace';

interface GenerateFlags {
  output?: string;
  env?: string;
  pr?: string;
  provisioners?: string;
  quiet?: boolean;
}

export function registerGenerate(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('render a service (a folder with score.yaml, or the file) into Kubernetes manifests')
    .argument('<service>', 'a service folder, or its score.yaml')
    .option('-e, --env <name>', 'the environment to render for (environments/<name>.yaml); without it, the Score file alone is rendered (no provisioners)')
    .option('--pr <number>', 'pull request number, for a preview environment')
    .option('--provisioners <version>', "render with this provisioner library version instead of the service's ('workspace' or a release)")
    .option('-o, --output <file>', 'write the manifests to FILE (atomically); "-" for stdout', '-')
    .option('-q, --quiet', 'no logs on stderr')
    .action((target: string, flags: GenerateFlags) => {
      const log = logger(io, flags.quiet);
      applyArgoCdEnvironment(flags, io.env);
      const scoreFile = resolveScoreFile(io.cwd, target);
      let yaml: string;
      let summary: string;
      // What the render read: the output must never replace one of them.
      const inputs: string[] = [scoreFile];
      if (flags.env === undefined) {
        if (flags.pr !== undefined || flags.provisioners !== undefined) throw new UserError('--pr and --provisioners need --env');
        const display = displayPath(io.cwd, scoreFile);
        const result = renderScoreFile(scoreFile, display);
        for (const change of result.score.upgrades) log.warn(`${display}: ${change}`);
        yaml = result.yaml;
        summary = `${display}: ${result.objects.length} objects`;
      } else {
        const workspaceRoot = findWorkspaceRoot(dirname(scoreFile), io.env);
        const cache = new GenerateCache();
        let result: GenerateResult;
        try {
          result = generateService({
            workspaceRoot,
            serviceDir: dirname(scoreFile),
            // The file given, not the folder's score.yaml: `generate dir/score-ai.yaml` renders score-ai.yaml.
            scoreFile: basename(scoreFile),
            environment: flags.env,
            cache,
            ...(flags.pr !== undefined ? { pr: parsePr(flags.pr) } : {}),
            ...(flags.provisioners !== undefined ? { libraryVersion: flags.provisioners } : {}),
          });
        } finally {
          cache.dispose();
        }
        const appNamespace = io.env['ARGOCD_APP_NAMESPACE'];
        if (appNamespace && appNamespace !== result.namespace) {
          log.warn(`Argo CD application ${io.env['ARGOCD_APP_NAME'] ?? ''} deploys to namespace '${appNamespace}', but the service renders into '${result.namespace}' (objects keep their own namespace)`);
        }
        for (const w of result.warnings) log.warn(w);
        for (const input of result.inputs) inputs.push(resolve(workspaceRoot, input));
        yaml = result.yaml;
        summary = `${result.service} (${result.environment.name}${result.environment.pr !== undefined ? ` #${result.environment.pr}` : ''}, library ${result.libraryVersion}): ${result.objects.length} objects in namespace ${result.namespace}`;
      }
      // Written first, so that a failed write is the only thing reported.
      writeOutput(io, flags.output ?? '-', yaml, inputs);
      log.info(summary);
    });
}

/**
 * Inside an Argo CD Config Management Plugin, flags are absent and the application's settings arrive as
 * environment variables: plugin env entries as `ARGOCD_ENV_<NAME>`, plugin parameters as `PARAM_<NAME>`.
 */
export function applyArgoCdEnvironment(flags: GenerateFlags, env: Record<string, string | undefined>): void {
  const pick = (name: string) => {
    const fromEnv = env[`ARGOCD_ENV_${name}`] || undefined;
    const fromParam = env[`PARAM_${name}`] || undefined;
    if (fromEnv !== undefined && fromParam !== undefined && fromEnv !== fromParam) {
      throw new UserError(`ARGOCD_ENV_${name} is '${fromEnv}' but PARAM_${name} is '${fromParam}': set one of them (plugin env or plugin parameter), not both`);
    }
    return fromEnv ?? fromParam;
  };
  flags.env ??= pick('ENVIRONMENT');
  flags.pr ??= pick('PR');
  flags.provisioners ??= pick('PROVISIONERS');
  if (env['ARGOCD_APP_NAME'] && flags.env === undefined) {
    throw new UserError(`Argo CD application '${env['ARGOCD_APP_NAME']}': set the plugin parameter 'environment' (or the plugin env ENVIRONMENT)`);
  }
}

export function parsePr(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new UserError(`--pr must be a pull request number, got '${value}'`);
  return Number(value);
}

export function resolveScoreFile(cwd: string, target: string): string {
  const abs = resolve(cwd, target);
  if (!existsSync(abs)) throw new UserError(`${target}: no such file or folder`);
  if (statSync(abs).isDirectory()) {
    const file = join(abs, 'score.yaml');
    if (!existsSync(file)) throw new UserError(`${target}: the folder has no score.yaml`);
    return file;
  }
  return abs;
}

/** Paths in messages are relative to where the user stands, never absolute when avoidable. */
export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

export function writeOutput(io: CliIo, output: string, content: string, inputs: readonly string[] = []): void {
  if (output === '-') {
    io.stdout.write(content);
    return;
  }
  const target = resolve(io.cwd, output);
  const real = existsSync(target) ? realpathSync(target) : target;
  if (inputs.some((input) => existsSync(input) && realpathSync(input) === real)) {
    throw new UserError(`${output}: is an input of this render; refusing to write the output over it`);
  }
  const stat = existsSync(target) ? statSync(target) : undefined;
  if (stat?.isDirectory()) throw new UserError(`${output}: is a folder; give a file name for the output`);
  try {
    // A device, FIFO or symlink target (`-o /dev/stdout`) is written in place: replacing it by rename would turn
    // the link or device into a plain file.
    if (stat !== undefined && (!stat.isFile() || lstatSync(target).isSymbolicLink())) writeFileSync(target, content);
    else writeFileAtomic(target, content);
  } catch (err) {
    throw new UserError(`${output}: cannot write the output: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
