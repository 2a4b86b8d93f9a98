import type { Command } from 'commander';
import { cutRelease, loadLibraryVersion, RELEASES_FILE, UserError } from '@score-nx/engine';
import type { CliIo } from '../io';
import { logger } from '../io';
import { findWorkspaceRoot } from '../workspace';

export function registerProvisioners(program: Command, io: CliIo): void {
  const group = program.command('provisioners').description('the provisioner library: list provisioners, cut releases');
  group
    .command('list')
    .description('list the provisioners of a library version')
    .option('--provisioners <version>', "library version: 'workspace' or a release", 'workspace')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((flags: { provisioners: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new UserError(`invalid --format '${flags.format}': use table or json`);
      const root = findWorkspaceRoot(io.cwd, io.env);
      const library = loadLibraryVersion(root, flags.provisioners);
      const rows = library.provisioners
        .map((p) => ({
          type: p.type,
          class: p.class ?? null,
          id: p.id ?? null,
          kind: p.command ? 'command' : 'template',
          ownsWorkload: p.ownsWorkload,
          params: Object.keys((p.params['properties'] as Record<string, unknown> | undefined) ?? {}).sort(),
          outputs: [...p.outputs].sort(),
          description: p.description,
          folder: p.folder,
        }))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.folder < b.folder ? -1 : 1));
      if (flags.format === 'json') {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const table = [
        ['TYPE', 'CLASS', 'KIND', 'PARAMS', 'OUTPUTS', 'DESCRIPTION'],
        ...rows.map((r) => [r.type + (r.ownsWorkload ? ' *' : ''), r.class ?? '(any)', r.kind, r.params.join(',') || '-', r.outputs.join(',') || '-', r.description]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) io.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
      if (rows.some((r) => r.ownsWorkload)) io.stdout.write('* owns the workload\n');
    });
  group
    .command('release')
    .description(`cut a release of the committed provisioners/ folder at HEAD and record it in ${RELEASES_FILE}`)
    .argument('<version>', 'a semantic version above every released one, e.g. 1.2.0')
    .action((version: string) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const release = cutRelease(root, version);
      logger(io).info(`released provisioners ${version}: tree ${release.tree} (commit ${release.commit.slice(0, 12)}); commit ${RELEASES_FILE} to publish it`);
    });
}
