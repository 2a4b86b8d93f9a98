import type { Command } from 'commander';
import { extendedScoreSchema, loadLibraryVersion } from '@score-nx/engine';
import type { CliIo } from '../io';
import { findWorkspaceRoot } from '../workspace';
import { writeOutput } from './generate';

export function registerSchema(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description("print the Score JSON Schema extended with the platform's metadata keys and every provisioner's params")
    .option('--provisioners <version>', "library version: 'workspace' or a release", 'workspace')
    .option('-o, --output <file>', 'write to FILE (atomically); "-" for stdout', '-')
    .action((flags: { provisioners: string; output: string }) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const schema = extendedScoreSchema(loadLibraryVersion(root, flags.provisioners));
      writeOutput(io, flags.output, `${JSON.stringify(schema, null, 2)}\n`);
    });
}
