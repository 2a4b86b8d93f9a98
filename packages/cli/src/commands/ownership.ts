import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { AdmissionInputError, clusterPolicyObjects, loadPolicyFolder } from '@score-nx/admission';
import type { EnvironmentDefinition, K8sObject } from '@score-nx/engine';
import { checkOwnership, GenerateCache, generateShared, loadEnvironments, renderedOutputs, SHARED_OUTPUT, UserError, writeFileAtomic } from '@score-nx/engine';
import type { CliIo } from '../io';
import { logger } from '../io';
import { findWorkspaceRoot } from '../workspace';
import { applyArgoCdEnvironment, parsePr, writeOutput } from './generate';

/** policies/ of the workspace; a file that does not parse is the user's error, named file:line:col. */
function readPolicyFolder(root: string): ReturnType<typeof loadPolicyFolder> {
  try {
    return loadPolicyFolder(root);
  } catch (err) {
    if (err instanceof AdmissionInputError) throw new UserError(err.message);
    throw err;
  }
}

/** `score-nx shared` (the platform-owned output) and `score-nx check` (one owner per object, per hostname). */
export function registerOwnership(program: Command, io: CliIo): void {
  program
    .command('shared')
    .description('render the objects services share (namespaces, resources with a shared id) once: the platform-owned output')
    .option('-e, --env <name>', 'one environment (stdout or -o); without it, every regular environment into --output-root')
    .option('--pr <number>', 'pull request number, for a preview environment')
    .option('-o, --output <file>', 'with --env: write to FILE (atomically); "-" for stdout', '-')
    .option('--output-root <dir>', `without --env: write <dir>/<env>/${SHARED_OUTPUT}/manifests.yaml per environment`, 'dist/manifests')
    .option('-q, --quiet', 'no logs on stderr')
    .action((flags: { env?: string; pr?: string; provisioners?: string; output: string; outputRoot: string; quiet?: boolean }) => {
      const log = logger(io, flags.quiet);
      // As the Argo CD plugin runs it for platform/shared: the environment comes from the application.
      applyArgoCdEnvironment(flags, io.env);
      const root = findWorkspaceRoot(io.cwd, io.env);
      const cache = new GenerateCache();
      // The admission policies of policies/ that this environment's clusters enforce, the very objects `validate`
      // checks renders against. A preview runs on a regular environment's cluster, which installs them already.
      const policies = readPolicyFolder(root);
      const policyObjects = (env: EnvironmentDefinition): K8sObject[] => (env.preview ? [] : (clusterPolicyObjects(policies, env.name) as unknown as K8sObject[]));
      try {
        if (flags.env !== undefined) {
          const environment = loadEnvironments(root).get(flags.env);
          const result = generateShared({ workspaceRoot: root, environment: flags.env, cache, platformObjects: environment ? policyObjects(environment) : [], ...(flags.pr !== undefined ? { pr: parsePr(flags.pr) } : {}) });
          writeOutput(io, flags.output, result.yaml);
          log.info(`${SHARED_OUTPUT} (${flags.env}): ${result.objects.length} shared objects of ${result.services.join(', ') || 'no services'}`);
          return;
        }
        if (flags.pr !== undefined) throw new UserError('--pr needs --env');
        for (const env of [...loadEnvironments(root).values()].filter((e) => !e.preview)) {
          const result = generateShared({ workspaceRoot: root, environment: env.name, cache, platformObjects: policyObjects(env) });
          const file = join(resolve(io.cwd, flags.outputRoot), env.name, SHARED_OUTPUT, 'manifests.yaml');
          // No shared object, no file: an empty Application would only confuse.
          if (result.objects.length === 0) rmSync(file, { force: true });
          else {
            mkdirSync(dirname(file), { recursive: true });
            writeFileAtomic(file, result.yaml);
          }
          log.info(`${relative(io.cwd, file)}: ${result.objects.length} shared objects of ${result.services.join(', ') || 'no services'}`);
        }
      } finally {
        cache.dispose();
      }
    });

  program
    .command('check')
    .description('fail when two renders of one environment emit the same object, or two services claim one hostname')
    .argument('[output-root]', 'the rendered outputs (<root>/<env>/<service>/manifests.yaml)', 'dist/manifests')
    .action((outputRoot: string) => {
      const dir = resolve(io.cwd, outputRoot);
      if (!existsSync(dir)) throw new UserError(`${outputRoot}: no such folder (render first: nx run-many -t generate)`);
      const outputs = renderedOutputs(dir).map((o) => ({ ...o, file: relative(io.cwd, o.file).split('\\').join('/') }));
      const problems = checkOwnership(outputs);
      if (problems.length > 0) throw new UserError(`${problems.length} ownership problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
      logger(io).info(`${outputRoot}: ${outputs.length} renders, every object and hostname has one owner`);
    });
}
