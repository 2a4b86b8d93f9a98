import { execFileSync } from 'node:child_process';
import { basename, isAbsolute } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadEnvironments, UserError } from '@score-nx/engine';
import { compareSides, formatMarkdown, formatText, hasChanges, withRevision } from '../diff';
import type { CompareOptions, DiffReport } from '../diff';
import type { CliIo, Writable } from '../io';
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
  fullOutput?: string;
  quiet?: boolean;
  jobs?: string;
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
    .option('--full-output <file>', 'also write the whole report to FILE (the CI artefact): the markdown comment is cut to fit GitHub, this file never is')
    .option('-j, --jobs <n>', 'render on N worker threads (default: one per CPU; 1 renders in-process)')
    .option('-q, --quiet', 'no progress bar (it is shown only when stderr is a terminal and CI is unset)')
    .option('--exit-code', 'exit 1 when something changed and 0 when nothing did (2 when a render failed), like git diff --exit-code')
    .action(async (flags: DiffFlags) => {
      if (!['text', 'markdown', 'json'].includes(flags.format)) throw new UserError(`invalid --format '${flags.format}': use text, markdown or json`);
      const root = findWorkspaceRoot(io.cwd, io.env);
      const envs = loadEnvironments(root);
      const pr = flags.pr !== undefined ? parsePr(flags.pr) : undefined;
      const environments = flags.env ?? [...envs.values()].filter((e) => !e.preview || pr !== undefined).map((e) => e.name);
      for (const e of environments) if (!envs.has(e)) throw new UserError(`unknown environment '${e}' (environments: ${[...envs.keys()].join(', ')})`);
      const jobs = flags.jobs !== undefined ? parseJobs(flags.jobs) : undefined;
      const progress = progressBar(io, flags.quiet === true);
      const options = { ...(pr !== undefined ? { pr } : {}), ...(jobs !== undefined ? { jobs } : {}), ...(progress ? { onProgress: progress.update } : {}) };
      let report: DiffReport;
      try {
        report = await compareRevisions(root, flags, environments, options);
      } finally {
        progress?.stop();
      }
      const render = (limit: number | undefined) =>
        flags.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : flags.format === 'markdown'
            ? formatMarkdown(report, { ...(limit !== undefined ? { limit } : {}), ...(flags.fullOutput ? { fullOutput: isAbsolute(flags.fullOutput) ? basename(flags.fullOutput) : flags.fullOutput } : {}) })
            : formatText(report);
      if (flags.fullOutput !== undefined) writeOutput(io, flags.fullOutput, render(Number.POSITIVE_INFINITY));
      writeOutput(io, flags.output, render(undefined));
      // A failed render is never a silent success; with --exit-code it is the "trouble" code of diff(1).
      if (report.services.some((d) => d.error !== undefined)) throw new ExitCode(flags.exitCode ? 2 : 1);
      if (flags.exitCode && report.services.some(hasChanges)) throw new ExitCode(1);
    });
}

function compareRevisions(root: string, flags: DiffFlags, environments: string[], options: CompareOptions): Promise<DiffReport> {
  if (flags.provisioners !== undefined) {
    const [from, to, ...rest] = flags.provisioners.split('..');
    if (!from || !to || rest.length > 0) throw new UserError(`--provisioners takes <from>..<to>, e.g. 1.0.0..workspace`);
    return compareSides({ label: `provisioners ${from}`, root, libraryVersion: from }, { label: `provisioners ${to}`, root, libraryVersion: to }, environments, options);
  }
  const repoRoot = gitTopLevel(root);
  const rel = root.slice(repoRoot.length).replace(/^[\\/]/, '');
  const at = (tree: string) => (rel ? `${tree}/${rel}` : tree);
  return withRevision(repoRoot, flags.base!, (baseTree) =>
    flags.head === undefined
      ? compareSides({ label: flags.base!, root: at(baseTree) }, { label: 'working tree', root }, environments, options)
      : withRevision(repoRoot, flags.head, (headTree) => compareSides({ label: flags.base!, root: at(baseTree) }, { label: flags.head!, root: at(headTree) }, environments, options)),
  );
}

function parseJobs(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new UserError(`invalid --jobs '${value}': give a whole number of threads, 1 or more`);
  return Number(value);
}

/**
 * The progress bar, on stderr, only for a person watching: stderr is a terminal, CI is unset and -q is not given.
 * Logs and pipes get nothing, so a CI log or a redirected report has no control characters in it.
 */
export function progressBar(io: CliIo, quiet: boolean): { update: (done: number, total: number) => void; stop: () => void } | undefined {
  const stream = io.stderr as Writable & { isTTY?: boolean };
  if (quiet || stream.isTTY !== true || (io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false')) return undefined;
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: 'score-nx diff [{bar}] {value}/{total} renders',
    barsize: 30,
    clearOnComplete: true,
    hideCursor: false,
    // Redraw at most every 100 ms: a render takes milliseconds, a terminal write costs more than that.
    fps: 10,
  });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function gitTopLevel(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch {
    throw new UserError('diff between revisions needs a git repository');
  }
}
