import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { stringifyDocument, UserError } from '@score-nx/engine';
import type { K8sObject } from '@score-nx/engine';
import { defaultJobs, renderInParallel, renderTasks } from './diff-render';
import type { Rendered, RenderSide } from './diff-render';

export type { RenderSide } from './diff-render';

export interface ObjectContent {
  object: string;
  yaml: string;
}

/** What changed for one service in one environment between two renders. */
export interface ServiceDiff {
  service: string;
  environment: string;
  /** Objects only the head renders, with their YAML. */
  added: ObjectContent[];
  /** Objects only the base renders, with their YAML. */
  removed: ObjectContent[];
  changed: Array<{ object: string; patch: string }>;
  /** A render that failed on one side; the other side's objects are not compared. */
  error?: { side: 'base' | 'head'; message: string };
}

export interface DiffReport {
  base: string;
  head: string;
  services: ServiceDiff[];
}

export function objectLabel(o: K8sObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} (${o.apiVersion})`;
}

/** Compares two renders of one service: objects by identity, changed ones as a unified diff of their YAML. */
export function diffObjects(service: string, environment: string, before: readonly K8sObject[], after: readonly K8sObject[]): ServiceDiff {
  const index = (objects: readonly K8sObject[]) => new Map(objects.map((o) => [objectLabel(o), o]));
  const a = index(before);
  const b = index(after);
  const content = (objects: Map<string, K8sObject>, keys: string[]) => keys.sort().map((object) => ({ object, yaml: stringifyDocument(objects.get(object)).trimEnd() }));
  const added = content(b, [...b.keys()].filter((k) => !a.has(k)));
  const removed = content(a, [...a.keys()].filter((k) => !b.has(k)));
  const changed: ServiceDiff['changed'] = [];
  for (const key of [...a.keys()].filter((k) => b.has(k)).sort()) {
    const oldYaml = stringifyDocument(a.get(key));
    const newYaml = stringifyDocument(b.get(key));
    if (oldYaml === newYaml) continue;
    const patch = createTwoFilesPatch(`a/${key}`, `b/${key}`, oldYaml, newYaml, '', '', { context: 3 })
      .split('\n')
      .filter((line) => !line.startsWith('====='))
      .map((line) => (line.startsWith('--- ') || line.startsWith('+++ ') ? line.replace(/\t$/, '') : line))
      .join('\n')
      .trimEnd();
    changed.push({ object: key, patch });
  }
  return { service, environment, added, removed, changed };
}

export function hasChanges(d: ServiceDiff): boolean {
  return d.error !== undefined || d.added.length + d.removed.length + d.changed.length > 0;
}

export interface CompareOptions {
  pr?: number;
  /** Worker threads to render on; default one per CPU (in-process for small workspaces). */
  jobs?: number;
  /** Called once the number of renders is known, then after each render. */
  onProgress?: (done: number, total: number) => void;
}

/** Renders every service for each environment on both sides (in parallel) and reports the services whose output changes. */
export async function compareSides(base: RenderSide, head: RenderSide, environments: string[], options: CompareOptions = {}): Promise<DiffReport> {
  const tasks = renderTasks([base, head], environments, options.pr);
  let done = 0;
  options.onProgress?.(0, tasks.length);
  const results = await renderInParallel(tasks, options.jobs ?? defaultJobs(tasks.length), () => options.onProgress?.(++done, tasks.length));
  const sides = [new Map<string, Rendered>(), new Map<string, Rendered>()] as const;
  for (const { task, rendered } of results) sides[task.side === 0 ? 0 : 1].set(`${task.service}\0${task.environment}`, rendered);
  const [before, after] = sides;
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const services: ServiceDiff[] = [];
  const objectsOf = (r: Rendered | undefined) => (r && 'objects' in r ? r.objects : []);
  for (const key of keys) {
    const [service, environment] = key.split('\0') as [string, string];
    const a = before.get(key);
    const b = after.get(key);
    if (a && 'error' in a) services.push({ service, environment, added: [], removed: [], changed: [], error: { side: 'base', message: a.error } });
    else if (b && 'error' in b) services.push({ service, environment, added: [], removed: [], changed: [], error: { side: 'head', message: b.error } });
    else {
      const d = diffObjects(service, environment, objectsOf(a), objectsOf(b));
      if (hasChanges(d)) services.push(d);
    }
  }
  return { base: base.label, head: head.label, services };
}

/** A read-only checkout of a git revision in a temp folder (a detached worktree), removed by the callback's end. */
export async function withRevision<T>(repoRoot: string, ref: string, fn: (root: string) => Promise<T>): Promise<T> {
  const git = (args: string[]) => execFileSync('git', ['-C', repoRoot, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  } catch {
    throw new UserError(`unknown git revision '${ref}'`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'score-nx-diff-'));
  const worktree = join(dir, 'tree');
  git(['worktree', 'add', '--detach', '--quiet', worktree, commit]);
  try {
    return await fn(worktree);
  } finally {
    try {
      git(['worktree', 'remove', '--force', worktree]);
    } catch {
      // The folder goes below in any case; a stale worktree entry is pruned by git later.
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatText(report: DiffReport): string {
  if (report.services.length === 0) return `No rendered changes between ${report.base} and ${report.head}.\n`;
  const lines: string[] = [];
  for (const d of report.services) {
    if (d.error) {
      lines.push(`${d.service} (${d.environment}): render failed at ${d.error.side}: ${d.error.message}`);
      continue;
    }
    lines.push(`${d.service} (${d.environment}): ${counts(d)}`);
    for (const [sign, objects] of [['+', d.added], ['-', d.removed]] as const) {
      for (const o of objects) {
        lines.push(`  ${sign} ${o.object}`);
        for (const l of o.yaml.split('\n')) lines.push(`    ${sign}${l}`);
      }
    }
    for (const c of d.changed) {
      lines.push(`  ~ ${c.object}`);
      for (const l of c.patch.split('\n')) lines.push(`    ${l}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function counts(d: ServiceDiff): string {
  return `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;
}

/** GitHub refuses a pull request comment longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Keep the comment within this many characters (UTF-16 units, which never undercount GitHub's characters). */
  limit?: number;
  /** Where the untruncated diff is (the CI artefact), named in the truncation notes. */
  fullOutput?: string;
}

/**
 * The pull-request comment: totals first, then one collapsed section per service and environment; added and
 * removed objects' YAML collapsed once more. Within `limit`, every section keeps an equal share of the room the
 * short ones leave; a longer one is cut at a line, closed, and says how much of it is left out and where it is.
 */
export function formatMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const out: string[] = ['### Rendered manifests diff', ''];
  if (report.services.length === 0) {
    out.push(`No rendered changes between \`${report.base}\` and \`${report.head}\`.`);
    return `${out.join('\n')}\n`;
  }
  const total = (f: (d: ServiceDiff) => number) => report.services.reduce((n, d) => n + f(d), 0);
  const serviceCount = new Set(report.services.map((d) => d.service)).size;
  const failed = report.services.filter((d) => d.error).length;
  out.push(
    `**${serviceCount} ${serviceCount === 1 ? 'service' : 'services'}** changed between \`${report.base}\` and \`${report.head}\`: ` +
      `${total((d) => d.added.length)} added, ${total((d) => d.removed.length)} removed, ${total((d) => d.changed.length)} changed objects` +
      (failed > 0 ? `, **${failed} failed ${failed === 1 ? 'render' : 'renders'}**` : '') +
      '.',
    '',
    '| service | environment | added | removed | changed |',
    '| --- | --- | ---: | ---: | ---: |',
  );
  for (const d of report.services) {
    out.push(d.error ? `| ${d.service} | ${d.environment} | render failed (${d.error.side}) | | |` : `| ${d.service} | ${d.environment} | ${d.added.length} | ${d.removed.length} | ${d.changed.length} |`);
  }
  out.push('');
  const head = `${out.join('\n')}\n`;
  const sections = report.services.map(markdownSection);
  const full = `${head}${sections.join('')}`.trimEnd() + '\n';
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  if (full.length <= limit) return full;
  return `${head}${fitSections(sections, limit - head.length - 1, options.fullOutput)}`.trimEnd() + '\n';
}

function markdownSection(d: ServiceDiff): string {
  const summary = d.error ? `render failed at ${d.error.side}` : `+${d.added.length} −${d.removed.length} ~${d.changed.length}`;
  const out = [`<details><summary><b>${d.service}</b> · ${d.environment}: ${summary}</summary>`, ''];
  if (d.error) out.push('```', d.error.message, '```', '');
  for (const [what, objects] of [['added', d.added], ['removed', d.removed]] as const) {
    for (const o of objects) out.push(`<details><summary>${what}: <code>${o.object}</code></summary>`, '', '```yaml', o.yaml, '```', '', '</details>', '');
  }
  for (const c of d.changed) out.push(`\`${c.object}\``, '', '```diff', c.patch, '```', '');
  out.push('</details>', '');
  return `${out.join('\n')}\n`;
}

/** Sections within `room` characters: the largest equal share that fits ("water filling"), each cut to it. */
function fitSections(sections: string[], room: number, fullOutput: string | undefined): string {
  const where = fullOutput ? `the full diff is in \`${fullOutput}\`` : 'the full diff is in the output of `score-nx diff --full-output <file>`';
  const omittedNote = (n: number) => `_${n} more ${n === 1 ? 'section' : 'sections'} left out to stay within GitHub's comment limit; ${where}._\n`;
  // Keep as many sections as can show at least their first lines; the rest are named as left out.
  const MIN_SECTION = 400;
  let kept = sections.length;
  while (kept > 0 && kept * MIN_SECTION + (kept < sections.length ? omittedNote(sections.length - kept).length : 0) > room) kept--;
  const tail = kept < sections.length ? omittedNote(sections.length - kept) : '';
  const budget = room - tail.length;
  let share = Number.POSITIVE_INFINITY;
  let remaining = budget;
  const sizes = sections.slice(0, kept).map((s) => s.length).sort((x, y) => x - y);
  for (const [i, size] of sizes.entries()) {
    const left = kept - i;
    if (size * left > remaining) {
      share = Math.floor(remaining / left);
      break;
    }
    remaining -= size;
  }
  return sections.slice(0, kept).map((s) => (s.length <= share ? s : cutSection(s, share, where))).join('') + tail;
}

/** A section cut at a line so that it, its closing fence and tags, and the note fit `size` characters. */
function cutSection(section: string, size: number, where: string): string {
  const lines = section.split('\n');
  const note = (shown: number) => `_✂ ${section.length - shown} of ${section.length} characters of this section left out; ${where}._`;
  // Room is kept for the longest note, the one that says the whole section is left out.
  const closing = (fenced: boolean, depth: number) => [...(fenced ? ['```'] : []), '', note(0), '', ...Array<string>(depth).fill('</details>'), ''].join('\n');
  let used = 0;
  let fenced = false;
  let depth = 0;
  const kept: string[] = [];
  for (const line of lines) {
    const nextFenced: boolean = line.startsWith('```') ? !fenced : fenced;
    const nextDepth = depth + (line.startsWith('<details>') ? 1 : 0) - (line === '</details>' ? 1 : 0);
    if (used + line.length + 1 + closing(nextFenced, nextDepth).length > size) break;
    kept.push(line);
    used += line.length + 1;
    fenced = nextFenced;
    depth = nextDepth;
  }
  return `${kept.join('\n')}\n${closing(fenced, depth).replace(note(0), note(used))}`;
}
