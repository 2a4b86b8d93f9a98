import { Command, CommanderError } from 'commander';
import { isUserError } from '@score-nx/engine';
import { runImportCrd, runKubeconformCli } from '@score-nx/kubeconform';
import { registerArgoCd } from './commands/argocd';
import { validateArgs } from './commands/validate';
import { registerCatalog } from './commands/catalog';
import { registerInit } from './commands/init';
import { registerDiff } from './commands/diff';
import { registerGenerate } from './commands/generate';
import { registerOwnership } from './commands/ownership';
import { registerPromote } from './commands/promote';
import { registerProvisioners } from './commands/provisioners';
import { registerResources } from './commands/resources';
import { registerSchema } from './commands/schema';
import { registerSchemas } from './commands/schemas';
import { ExitCode } from './io';
import { CLI_VERSION } from './version';
import type { CliIo } from './io';

export type { CliIo } from './io';

/** Runs the CLI and returns the exit code. User errors print one line on stderr and give exit code 1. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  // `validate` keeps kubeconform's own single-dash flags (-strict, -schema-location...), which commander would
  // misread, so it is dispatched before parsing.
  if (argv[0] === 'validate') {
    const kubeconformIo = { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, colour: io.colour === true, ...(io.stdin ? { stdin: io.stdin as never } : {}) };
    if (argv[1] === 'import-crd') return runImportCrd(argv.slice(2), kubeconformIo);
    let args: string[];
    try {
      args = validateArgs(argv.slice(1), io);
    } catch (err) {
      if (!isUserError(err)) throw err;
      io.stderr.write(`${err.message}\n`);
      return 1;
    }
    return runKubeconformCli(args, kubeconformIo);
  }
  const program = new Command('score-nx')
    .description('Score workloads to Kubernetes manifests, for an Nx workspace')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      '\nValidation (kubeconform command line):\n  score-nx validate --env <environment> <files|dirs|->   (that environment\'s Kubernetes version, the workspace schemas/, -strict)\n  score-nx validate [-strict] [-summary] [-kubernetes-version V] [-schema-location L]... [-output text|json|junit|tap|pretty] <files|dirs|->\n  score-nx validate import-crd <crd.yaml...> --out <dir>\n',
    );
  registerGenerate(program, io);
  registerProvisioners(program, io);
  registerResources(program, io);
  registerSchema(program, io);
  registerSchemas(program, io);
  registerPromote(program, io);
  registerDiff(program, io);
  registerArgoCd(program, io);
  registerOwnership(program, io);
  registerCatalog(program, io);
  registerInit(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 1;
    }
    if (isUserError(err)) {
      io.stderr.write(`${printable(err.message)}\n`);
      return 1;
    }
    io.stderr.write(`score-nx: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 2;
  }
}

/**
 * Messages quote user values: control characters (ESC sequences that recolour or rewrite the terminal, CR that
 * overwrites the line) and Unicode line breaks are shown escaped, never sent raw.
 */
export function printable(message: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return message.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
