import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { catalogYaml } from '@score-nx/engine';
import type { CliIo } from '../io';
import { listServices } from '../services';
import { findWorkspaceRoot } from '../workspace';
import { writeOutput } from './generate';

export function registerCatalog(program: Command, io: CliIo): void {
  program
    .command('catalog')
    .description('write Backstage catalog entities for every service: Components, their APIs and provisioned Resources')
    .option('-o, --output <file>', 'write to FILE (atomically); "-" for stdout', '-')
    .action((flags: { output: string }) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const yaml = catalogYaml(root, listServices(root).map((s) => s.path));
      // The Nx target writes under dist/, which a fresh clone does not have.
      if (flags.output !== '-') mkdirSync(dirname(resolve(io.cwd, flags.output)), { recursive: true });
      writeOutput(io, flags.output, yaml);
    });
}
