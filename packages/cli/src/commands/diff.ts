import { execFileSync } from 'node:child_process';
import type { Command } from 'commander';
import { loadEnvironments, UserError } from '@score-nx/engine';
import { compareSides, formatMarkdown, formatText, hasChanges, withRevision } from '../diff';
import type { DiffReport } from '../diff';
import type { CliIo } from '../io';
import { ExitCode } from '../io';
import { findWorkspaceRoot } from '../workspace';
import { parsePr, writeOutput } from './generate';

interface DiffFlags {
  base?: string;
  head?: string;
  env?: string[];
  format: string;
  provisioners?: string;
  pr?: string;
  output: string;
  exitCode?: boolean;
}

export function registerDiff(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description('render every service at two revisions (or with two library versions) and report what changes')
    .option('--base <ref>', 'git revision to compare from', 'HEAD')
    .option('--head <ref>', 'git revision to compare to (default: the working tree)')
    .option('-e, --env <env>', 'environment(s) to compare (repeatable; default: every non-preview environment)', (v: string, p: string[] = []) => [...p, ...v.split(',')])
    .option('--provisioners <from..to>', 'compare two provisioner library versions on the working tree instead of two revisions')
    .option('--pr <number>', 'pull request number for preview environments')
    .option('-f, --format <format>', 'text, markdown (a pull request comment) or json', 'text')
    .option('-o, --output <file>', 'write the report to FILE; "-" for stdout', '-')
    .option('--exit-code', 'exit 1 when something changed and 0 when nothing did (2 when a render failed), like git diff --exit-code')
    .action((flags: DiffFlags) => {
      if (!['text', 'markdown', 'json'].includes(flags.format)) throw new UserError(`invalid --format '${flags.format}': use text, markdown or json`);
      const root = findWorkspaceRoot(io.cwd, io.env);
      const envs = loadEnvironments(root);
      const pr = flags.pr !== undefined ? parsePr(flags.pr) : undefined;
      const environments = flags.env ?? [...envs.values()].filter((e) => !e.preview || pr !== undefined).map((e) => e.name);
      for (const e of environments) if (!envs.has(e)) throw new UserError(`unknown environment '${e}' (environments: ${[...envs.keys()].join(', ')})`);
      let report: DiffReport;
      if (flags.provisioners !== undefined) {
        const [from, to, ...rest] = flags.provisioners.split('..');
        if (!from || !to || rest.length > 0) throw new UserError(`--provisioners takes <from>..<to>, e.g. 1.0.0..workspace`);
        report = compareSides({ label: `provisioners ${from}`, root, libraryVersion: from }, { label: `provisioners ${to}`, root, libraryVersion: to }, environments, pr);
      } else {
        const repoRoot = gitTopLevel(root);
        const rel = root.slice(repoRoot.length).replace(/^[\\/]/, '');
        const at = (tree: string) => (rel ? `${tree}/${rel}` : tree);
        report = withRevision(repoRoot, flags.base!, (baseTree) =>
          flags.head === undefined
            ? compareSides({ label: flags.base!, root: at(baseTree) }, { label: 'working tree', root }, environments, pr)
            : withRevision(repoRoot, flags.head, (headTree) => compareSides({ label: flags.base!, root: at(baseTree) }, { label: flags.head!, root: at(headTree) }, environments, pr)),
        );
      }
      const text = flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : flags.format === 'markdown' ? formatMarkdown(report) : formatText(report);
      writeOutput(io, flags.output, text);
      // A failed render is never a silent success; with --exit-code it is the "trouble" code of diff(1).
      if (report.services.some((d) => d.error !== undefined)) throw new ExitCode(flags.exitCode ? 2 : 1);
      if (flags.exitCode && report.services.some(hasChanges)) throw new ExitCode(1);
    });
}

function gitTopLevel(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch {
    throw new UserError('diff between revisions needs a git repository');
  }
}
