import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { renderScoreFile, UserError, writeFileAtomic } from '@score-nx/engine';
import type { CliIo } from '../io';
import { logger } from '../io';

interface GenerateFlags {
  output?: string;
  quiet?: boolean;
}

export function registerGenerate(program: Command, io: CliIo, _setExit: (code: number) => void): void {
  program
    .command('generate')
    .description('render a service (a score.yaml, or the folder that holds one) into Kubernetes manifests')
    .argument('<target>', 'a score.yaml file or a service folder')
    .option('-o, --output <file>', 'write the manifests to FILE (atomically); "-" for stdout', '-')
    .option('-q, --quiet', 'no logs on stderr')
    .action((target: string, flags: GenerateFlags) => {
      const log = logger(io, flags.quiet);
      const scoreFile = resolveScoreFile(io.cwd, target);
      const display = displayPath(io.cwd, scoreFile);
      const { yaml, objects, score } = renderScoreFile(scoreFile, display);
      for (const change of score.upgrades) log.warn(`${display}: ${change}`);
      writeOutput(io, flags.output ?? '-', yaml);
      log.info(`${display}: ${objects.length} objects${flags.output && flags.output !== '-' ? ` written to ${flags.output}` : ''}`);
    });
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

export function writeOutput(io: CliIo, output: string, content: string): void {
  if (output === '-') {
    io.stdout.write(content);
    return;
  }
  try {
    writeFileAtomic(resolve(io.cwd, output), content);
  } catch (err) {
    throw new UserError(`${output}: cannot write the output: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
