import type { Command } from 'commander';
import type Cliui from 'cliui';
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
      io.stdout.write(provisionerTable(rows, tableWidth(io.columns)));
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

// cliui's CommonJS build, always: its ES module build breaks words mid-way instead of wrapping at spaces. A plain
// require() resolves the "require" condition, in Node, in vitest and in the esbuild bundle (which inlines it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cliui = require('cliui') as typeof Cliui;

interface ProvisionerRow {
  type: string;
  class: string | null;
  kind: string;
  ownsWorkload: boolean;
  params: string[];
  outputs: string[];
  description: string;
}

/** The table fits the terminal, kept between 80 and 120 columns (100 off a terminal), so that it reads the same in CI logs. */
export function tableWidth(columns: number | undefined): number {
  return Math.min(120, Math.max(80, columns ?? 100));
}

/**
 * Type, class and kind in fixed columns; the description, params and outputs wrapped in the last one, so that no
 * line is wider than `width` (`--format json` has every field unwrapped).
 */
export function provisionerTable(rows: readonly ProvisionerRow[], width: number): string {
  const cellsOf = (r: ProvisionerRow): [string, string, string] => [r.type + (r.ownsWorkload ? ' *' : ''), r.class ?? '(any)', r.kind];
  const cells = rows.map(cellsOf);
  const headers: [string, string, string] = ['TYPE', 'CLASS', 'KIND'];
  const column = (i: 0 | 1 | 2) => Math.max(headers[i].length, ...cells.map((c) => c[i].length)) + 2;
  const widths = [column(0), column(1), column(2)] as const;
  const lead = widths[0] + widths[1] + widths[2];
  const ui = cliui({ width, wrap: true });
  const fixed = ([type, cls, kind]: [string, string, string]) => [
    { text: type, width: widths[0], padding: [0, 0, 0, 0] },
    { text: cls, width: widths[1], padding: [0, 0, 0, 0] },
    { text: kind, width: widths[2], padding: [0, 0, 0, 0] },
  ];
  ui.div(...fixed(headers), { text: 'DESCRIPTION', padding: [0, 0, 0, 0] });
  rows.forEach((r) => {
    ui.div(...fixed(cellsOf(r)), { text: r.description, padding: [0, 0, 0, 0] });
    ui.div({ text: '', width: lead, padding: [0, 0, 0, 0] }, { text: `params: ${r.params.join(', ') || '-'}`, padding: [0, 0, 0, 2] });
    ui.div({ text: '', width: lead, padding: [0, 0, 0, 0] }, { text: `outputs: ${r.outputs.join(', ') || '-'}`, padding: [0, 0, 0, 2] });
  });
  return `${ui
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
