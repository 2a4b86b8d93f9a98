import { dirname } from 'node:path';
import type { Command } from 'commander';
import { GenerateCache, listResources, UserError } from '@score-nx/engine';
import type { ListedResource } from '@score-nx/engine';
import type { CliIo } from '../io';
import { findWorkspaceRoot } from '../workspace';
import { parsePr, resolveScoreFile } from './generate';

export function registerResources(program: Command, io: CliIo): void {
  program
    .command('resources')
    .description("list a service's resources in an environment: uid, provisioner folder and outputs (secret references as such, never values)")
    .argument('<service>', 'a service folder, or its score.yaml')
    .requiredOption('-e, --env <name>', 'the environment (environments/<name>.yaml)')
    .option('--pr <number>', 'pull request number, for a preview environment')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((target: string, flags: { env: string; pr?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`invalid --format '${flags.format}': use table or json`);
      const scoreFile = resolveScoreFile(io.cwd, target);
      const cache = new GenerateCache();
      try {
        const listing = listResources({
          workspaceRoot: findWorkspaceRoot(dirname(scoreFile), io.env),
          serviceDir: dirname(scoreFile),
          environment: flags.env,
          cache,
          ...(flags.pr !== undefined ? { pr: parsePr(flags.pr) } : {}),
        });
        io.stdout.write(flags.format === 'json' ? `${JSON.stringify(listing, null, 2)}\n` : resourceTable(listing.resources));
      } finally {
        cache.dispose();
      }
    });
}

/** An output value on one line: strings as they are, a secret reference as `secret <name>/<key>`, the rest as JSON. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const ref = (value as { secretRef?: { name: string; key: string } } | null)?.secretRef;
  if (ref && Object.keys(value as object).length === 1) return `secret ${ref.name}/${ref.key}`;
  return JSON.stringify(value);
}

/** One row per output (a resource without outputs has one row with `-`); columns padded, nothing wrapped. */
export function resourceTable(resources: readonly ListedResource[]): string {
  const rows: string[][] = [['RESOURCE', 'UID', 'PROVISIONER', 'OUTPUT', 'VALUE']];
  for (const r of resources) {
    const outputs = Object.entries(r.outputs);
    if (outputs.length === 0) rows.push([r.name, r.uid, r.provisioner, '-', '']);
    outputs.forEach(([key, value], i) => rows.push(i === 0 ? [r.name, r.uid, r.provisioner, key, showValue(value)] : ['', '', '', key, showValue(value)]));
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join('').trimEnd()).join('\n') + '\n';
}
