import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { GenerateCache, generateService, isUserError, loadEnvironments, stringifyDocument, UserError } from '@score-nx/engine';
import type { K8sObject } from '@score-nx/engine';
import { listServices } from './services';

/** What changed for one service in one environment between two renders. */
export interface ServiceDiff {
  service: string;
  environment: string;
  added: string[];
  removed: string[];
  changed: Array<{ object: string; patch: string }>;
  /** A render that failed on one side; the other side's objects are not compared. */
  error?: { side: 'base' | 'head'; message: string };
}

export interface DiffReport {
  base: string;
  head: string;
  services: ServiceDiff[];
}

/** A way to render every service of one side of the comparison. */
export interface RenderSide {
  label: string;
  root: string;
  libraryVersion?: string;
}

export function objectLabel(o: K8sObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} (${o.apiVersion})`;
}

/** Compares two renders of one service: objects by identity, changed ones as a unified diff of their YAML. */
export function diffObjects(service: string, environment: string, before: readonly K8sObject[], after: readonly K8sObject[]): ServiceDiff {
  const index = (objects: readonly K8sObject[]) => new Map(objects.map((o) => [objectLabel(o), o]));
  const a = index(before);
  const b = index(after);
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
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

type Rendered = { objects: K8sObject[] } | { error: string } | undefined;

function renderAll(side: RenderSide, environments: string[], pr: number | undefined): Map<string, Rendered> {
  const out = new Map<string, Rendered>();
  const cache = new GenerateCache();
  try {
    const envs = loadEnvironments(side.root);
    for (const service of listServices(side.root)) {
      for (const env of environments) {
        const def = envs.get(env);
        if (!def) continue;
        const key = `${service.name}\0${env}`;
        try {
          const r = generateService({
            workspaceRoot: side.root,
            serviceDir: service.dir,
            environment: env,
            cache,
            ...(def.preview ? { pr: pr ?? 1 } : {}),
            ...(side.libraryVersion ? { libraryVersion: side.libraryVersion } : {}),
          });
          out.set(key, { objects: r.objects });
        } catch (err) {
          if (!isUserError(err)) throw err;
          // A service that does not deploy to an environment has nothing to compare there.
          if (/does not deploy to environment/.test(err.message)) out.set(key, undefined);
          else out.set(key, { error: err.message });
        }
      }
    }
  } finally {
    cache.dispose();
  }
  return out;
}

/** Renders every service for each environment on both sides and reports the services whose output changes. */
export function compareSides(base: RenderSide, head: RenderSide, environments: string[], pr?: number): DiffReport {
  const before = renderAll(base, environments, pr);
  const after = renderAll(head, environments, pr);
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const services: ServiceDiff[] = [];
  for (const key of keys) {
    const [service, environment] = key.split('\0') as [string, string];
    const a = before.get(key);
    const b = after.get(key);
    if (a && 'error' in a) services.push({ service, environment, added: [], removed: [], changed: [], error: { side: 'base', message: a.error } });
    else if (b && 'error' in b) services.push({ service, environment, added: [], removed: [], changed: [], error: { side: 'head', message: b.error } });
    else {
      const d = diffObjects(service, environment, a?.objects ?? [], b?.objects ?? []);
      if (hasChanges(d)) services.push(d);
    }
  }
  return { base: base.label, head: head.label, services };
}

/** A read-only checkout of a git revision in a temp folder (a detached worktree), removed by the callback's end. */
export function withRevision<T>(repoRoot: string, ref: string, fn: (root: string) => T): T {
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
    return fn(worktree);
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
    for (const a of d.added) lines.push(`  + ${a}`);
    for (const r of d.removed) lines.push(`  - ${r}`);
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

/** The pull-request comment: totals first, then one collapsed section per service and environment. */
export function formatMarkdown(report: DiffReport): string {
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
  for (const d of report.services) {
    const summary = d.error ? `render failed at ${d.error.side}` : `+${d.added.length} −${d.removed.length} ~${d.changed.length}`;
    out.push(`<details><summary><b>${d.service}</b> · ${d.environment}: ${summary}</summary>`, '');
    if (d.error) out.push('```', d.error.message, '```', '');
    for (const a of d.added) out.push(`- added: \`${a}\``);
    for (const r of d.removed) out.push(`- removed: \`${r}\``);
    if (d.added.length + d.removed.length > 0) out.push('');
    for (const c of d.changed) out.push(`\`${c.object}\``, '', '```diff', c.patch, '```', '');
    out.push('</details>', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
