import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMarkdown, GITHUB_COMMENT_LIMIT } from './diff';
import type { DiffReport, ServiceDiff } from './diff';
import { run } from './main';
import { scoreFile, serviceConfig, tempWorkspace } from './test-support/workspace';
import type { TempWorkspace } from './test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

const CONFIG_RESOURCE = `resources:
  config:
    type: configmap
    params:
      configData:
        MODE: fast
`;

function setup(): TempWorkspace {
  ws = tempWorkspace({
    'services/api/score.yaml': scoreFile('api', CONFIG_RESOURCE),
    'services/api/service-config.yaml': serviceConfig('registry.example.com/api:1.0.0'),
    'services/web/score.yaml': scoreFile('web'),
    'services/web/service-config.yaml': serviceConfig('registry.example.com/web:1.0.0'),
  });
  ws.commit('init');
  return ws;
}

function edit(w: TempWorkspace, path: string, from: string, to: string): void {
  const file = join(w.root, path);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} has no '${from}'`);
  writeFileSync(file, text.replace(from, to));
}

describe('score-nx diff', () => {
  it('reports nothing when nothing renders differently', async () => {
    const w = setup();
    edit(w, 'services/api/service-config.yaml', '# Deploy config of this service.', '# A comment only.');
    const r = await w.cli(['diff', '--env', 'dev']);
    expect(r).toEqual({ code: 0, stdout: 'No rendered changes between HEAD and working tree.\n', stderr: '' });
  });

  it('shows an image promotion as one changed Deployment line', async () => {
    const w = setup();
    await w.cli(['promote', 'api', '--env', 'dev', '--image', 'registry.example.com/api:1.1.0']);
    const r = await w.cli(['diff', '--env', 'dev,prod', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.services.map((s: { service: string; environment: string }) => `${s.service}/${s.environment}`)).toEqual(['api/dev']);
    const [api] = report.services;
    expect(api.added).toEqual([]);
    expect(api.removed).toEqual([]);
    expect(api.changed.map((c: { object: string }) => c.object)).toEqual(['Deployment team-a/api (apps/v1)']);
    expect(api.changed[0].patch.split('\n').filter((l: string) => /^[-+] /.test(l))).toEqual([
      '-          image: registry.example.com/api:1.0.0',
      '+          image: registry.example.com/api:1.1.0',
    ]);
  });

  it('shows a provisioner change in every service that uses it, between two commits', async () => {
    const w = setup();
    edit(w, 'provisioners/configmap/manifests.yaml.njk', 'argocd.argoproj.io/sync-wave: "-5"', 'argocd.argoproj.io/sync-wave: "-6"');
    w.commit('configmaps in an earlier wave');
    const r = await w.cli(['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--env', 'dev']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'api (dev): 0 added, 0 removed, 1 changed',
      '  ~ ConfigMap team-a/api-config (v1)',
      '    --- a/ConfigMap team-a/api-config (v1)',
      '    +++ b/ConfigMap team-a/api-config (v1)',
    ]);
    expect(lines.filter((l) => /^ {4}[-+] /.test(l))).toEqual(['    -    argocd.argoproj.io/sync-wave: "-5"', '    +    argocd.argoproj.io/sync-wave: "-6"']);
  });

  it('shows an added resource as an added object and the workload change it brings', async () => {
    const w = setup();
    writeFileSync(join(w.root, 'services/web/score.yaml'), scoreFile('web', CONFIG_RESOURCE));
    const r = await w.cli(['diff', '--env', 'dev', '--format', 'json']);
    const [web] = JSON.parse(r.stdout).services;
    expect(web.service).toBe('web');
    expect(web.added.map((a: { object: string }) => a.object)).toEqual(['ConfigMap team-a/web-config (v1)']);
    expect(web.added[0].yaml.split('\n').slice(0, 4)).toEqual(['apiVersion: v1', 'data:', '  MODE: fast', 'kind: ConfigMap']);
    expect(web.changed.map((c: { object: string }) => c.object)).toEqual(['Deployment team-a/web (apps/v1)']);
    expect(web.changed[0].patch).toContain('+        - envFrom:');
  });

  it('answers what a library upgrade changes (--provisioners from..to)', async () => {
    const w = setup();
    const release = await w.cli(['provisioners', 'release', '1.0.0']);
    expect(release.code).toBe(0);
    edit(w, 'provisioners/configmap/manifests.yaml.njk', 'argocd.argoproj.io/sync-wave: "-5"', 'argocd.argoproj.io/sync-wave: "-7"');
    const r = await w.cli(['diff', '--provisioners', '1.0.0..workspace', '--env', 'prod', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.base).toBe('provisioners 1.0.0');
    expect(report.head).toBe('provisioners workspace');
    expect(report.services.map((s: { service: string; changed: Array<{ object: string }> }) => [s.service, s.changed.map((c) => c.object)])).toEqual([
      ['api', ['ConfigMap team-a/api-config (v1)']],
    ]);
  });

  it('writes the pull request comment in markdown, collapsed per service, counts first', async () => {
    const w = setup();
    await w.cli(['promote', 'web', '--env', 'dev', '--image', 'registry.example.com/web:2.0.0']);
    writeFileSync(join(w.root, 'services/web/score.yaml'), scoreFile('web', CONFIG_RESOURCE));
    const r = await w.cli(['diff', '--env', 'dev', '--format', 'markdown']);
    await expect(r.stdout).toMatchFileSnapshot('./__snapshots__/diff.markdown.md');
    expect(r.stdout.startsWith('### Rendered manifests diff\n\n**1 service** changed between `HEAD` and `working tree`: 1 added, 0 removed, 1 changed objects.\n')).toBe(true);
  });

  it('reports a render that fails at one side instead of hiding it', async () => {
    const w = setup();
    edit(w, 'services/api/score.yaml', 'type: configmap', 'type: confgmap');
    const r = await w.cli(['diff', '--env', 'dev']);
    expect(r.stdout).toBe("api (dev): render failed at head: services/api/score.yaml:14:5: resources.config.type: must be one of 'configmap', got 'confgmap' (did you mean 'configmap'?)\n");
    expect(r.code).toBe(1);
    expect((await w.cli(['diff', '--env', 'dev', '--exit-code', '--format', 'json'])).code).toBe(2);
  });

  it('--exit-code: 1 when a render changed, 0 when none did', async () => {
    const w = setup();
    expect(await w.cli(['diff', '--env', 'dev', '--exit-code'])).toEqual({ code: 0, stdout: 'No rendered changes between HEAD and working tree.\n', stderr: '' });
    expect((await w.cli(['diff', '--env', 'dev'])).code).toBe(0);
    edit(w, 'provisioners/configmap/manifests.yaml.njk', 'argocd.argoproj.io/sync-wave: "-5"', 'argocd.argoproj.io/sync-wave: "-6"');
    const changed = await w.cli(['diff', '--env', 'dev', '--exit-code']);
    expect([changed.code, changed.stdout.split('\n')[0]]).toEqual([1, 'api (dev): 0 added, 0 removed, 1 changed']);
    expect((await w.cli(['diff', '--env', 'dev'])).code).toBe(0);
  });

  it('refuses unknown environments, formats and revisions', async () => {
    const w = setup();
    expect(await w.cli(['diff', '--env', 'qa'])).toEqual({ code: 1, stdout: '', stderr: "unknown environment 'qa' (environments: dev, preview, prod, staging)\n" });
    expect(await w.cli(['diff', '--format', 'html'])).toEqual({ code: 1, stdout: '', stderr: "invalid --format 'html': use text, markdown or json\n" });
    expect(await w.cli(['diff', '--base', 'nope'])).toEqual({ code: 1, stdout: '', stderr: "unknown git revision 'nope'\n" });
  });
});

/** The CLI with a stderr that says it is a terminal (what cli-progress draws on), env as given. */
async function cliOnTerminal(w: TempWorkspace, argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: Object.assign({ write: (s: string) => (stderr += s) }, { isTTY: true, columns: 100 }), cwd: w.root, env });
  return { code, stdout, stderr };
}

describe('score-nx diff progress', () => {
  it('draws a progress bar on a terminal stderr, and clears it at the end', async () => {
    const w = setup();
    const r = await cliOnTerminal(w, ['diff', '--env', 'dev,prod', '--jobs', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No rendered changes between HEAD and working tree.\n');
    // Two services, two environments, two sides.
    expect(r.stderr).toContain('score-nx diff [');
    expect(r.stderr).toMatch(/\] 8\/8 renders/);
  });

  it('is quiet with -q, under CI, and when stderr is not a terminal', async () => {
    const w = setup();
    expect((await cliOnTerminal(w, ['diff', '--env', 'dev', '-q'])).stderr).toBe('');
    expect((await cliOnTerminal(w, ['diff', '--env', 'dev'], { CI: 'true' })).stderr).toBe('');
    expect((await w.cli(['diff', '--env', 'dev'])).stderr).toBe('');
  });

  it('refuses a --jobs that is not a whole number', async () => {
    const w = setup();
    expect(await w.cli(['diff', '--jobs', '0'])).toEqual({ code: 1, stdout: '', stderr: "invalid --jobs '0': give a whole number of threads, 1 or more\n" });
  });
});

const WORKER = resolve(__dirname, '../dist/diff-worker.js');
describe.skipIf(!existsSync(WORKER))(`score-nx diff on worker threads (needs ${WORKER}: npm run build)`, () => {
  it('reports the same on threads as in-process, failed renders included', async () => {
    const w = setup();
    edit(w, 'provisioners/configmap/manifests.yaml.njk', 'argocd.argoproj.io/sync-wave: "-5"', 'argocd.argoproj.io/sync-wave: "-6"');
    writeFileSync(join(w.root, 'services/web/score.yaml'), scoreFile('web', CONFIG_RESOURCE));
    const inProcess = await w.cli(['diff', '--env', 'dev,staging,prod', '--format', 'json', '--jobs', '1']);
    const threads = await w.cli(['diff', '--env', 'dev,staging,prod', '--format', 'json', '--jobs', '3']);
    expect(threads).toEqual(inProcess);
    expect(JSON.parse(threads.stdout).services.map((s: ServiceDiff) => `${s.service}/${s.environment}`)).toEqual(['api/dev', 'api/prod', 'api/staging', 'web/dev', 'web/prod', 'web/staging']);
    edit(w, 'services/api/score.yaml', 'type: configmap', 'type: confgmap');
    const failed = await w.cli(['diff', '--env', 'dev', '--jobs', '2']);
    expect([failed.code, failed.stdout.split('\n')[0]]).toEqual([1, "api (dev): render failed at head: services/api/score.yaml:14:5: resources.config.type: must be one of 'configmap', got 'confgmap' (did you mean 'configmap'?)"]);
  });
});

describe('score-nx diff markdown within GitHub comment limit', () => {
  const service = (name: string, patchLines: number): ServiceDiff => ({
    service: name,
    environment: 'dev',
    added: [],
    removed: [],
    changed: [{ object: `ConfigMap team-a/${name} (v1)`, patch: Array.from({ length: patchLines }, (_, i) => `+  key${i}: value`).join('\n') }],
  });
  const report = (services: ServiceDiff[]): DiffReport => ({ base: 'main', head: 'HEAD', services });
  const balanced = (md: string) => [md.split('```').length % 2, md.split('<details>').length - md.split('</details>').length];

  it('keeps a comment of exactly the limit whole and cuts one a character longer', () => {
    const small = formatMarkdown(report([service('a', 10), service('b', 4000)]), { limit: Number.POSITIVE_INFINITY });
    expect(small.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    // Shorten b's patch until the whole comment is just at the limit (each line is 15 or 16 characters).
    let lines = 4000;
    while (formatMarkdown(report([service('a', 10), service('b', lines)]), { limit: Number.POSITIVE_INFINITY }).length > GITHUB_COMMENT_LIMIT) lines--;
    const fits = report([service('a', 10), service('b', lines)]);
    const whole = formatMarkdown(fits);
    expect(whole).toBe(formatMarkdown(fits, { limit: Number.POSITIVE_INFINITY }));
    expect(whole).not.toContain('left out');
    const over = report([service('a', 10), { ...service('b', lines), changed: [{ ...service('b', lines).changed[0]!, patch: `${service('b', lines).changed[0]!.patch}${'x'.repeat(GITHUB_COMMENT_LIMIT - whole.length + 1)}` }] }]);
    expect(formatMarkdown(over, { limit: Number.POSITIVE_INFINITY }).length).toBe(GITHUB_COMMENT_LIMIT + 1);
    const cut = formatMarkdown(over, { fullOutput: 'diff-full.md' });
    expect(cut.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // a is short and stays whole; b is cut at a line, its fence and section closed, with the note.
    expect(cut).toContain(formatMarkdown(report([service('a', 10)])).split('\n').slice(8).join('\n').trimEnd());
    expect(cut).toMatch(/_✂ \d+ of \d+ characters of this section left out; the full diff is in `diff-full.md`\._/);
    expect(balanced(cut)).toEqual([1, 0]);
  });

  it('shares the room between large sections and names the ones that do not fit at all', () => {
    const many = report(Array.from({ length: 300 }, (_, i) => service(`svc-${String(i).padStart(3, '0')}`, 200)));
    const md = formatMarkdown(many);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(balanced(md)).toEqual([1, 0]);
    // The table names every service even when its section is left out.
    for (const s of many.services) expect(md).toContain(`| ${s.service} | dev | 0 | 0 | 1 |`);
    const shown = md.match(/<details><summary><b>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(300);
    expect(md).toContain(`_${300 - shown} more sections left out to stay within GitHub's comment limit; the full diff is in the output of \`score-nx diff --full-output <file>\`._`);
    const big = report(Array.from({ length: 4 }, (_, i) => service(`big-${i}`, 3000)));
    const shares = formatMarkdown(big).split('<details><summary><b>').slice(1).map((s) => s.length);
    expect(shares).toHaveLength(4);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThan(100);
  });

  it('writes the whole diff to --full-output and the cut comment to the output', async () => {
    const w = setup();
    const big = Array.from({ length: 3000 }, (_, i) => `        KEY_${i}: value-${i}`).join('\n');
    writeFileSync(join(w.root, 'services/web/score.yaml'), scoreFile('web', `${CONFIG_RESOURCE}${big}\n`));
    const r = await w.cli(['diff', '--env', 'dev', '--format', 'markdown', '-o', 'comment.md', '--full-output', 'diff-full.md']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const comment = readFileSync(join(w.root, 'comment.md'), 'utf8');
    const full = readFileSync(join(w.root, 'diff-full.md'), 'utf8');
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    const keys = (md: string) => md.match(/ KEY_\d+: value-\d+$/gm)?.length ?? 0;
    expect(keys(full)).toBe(3000);
    expect(keys(comment)).toBeGreaterThan(1000);
    expect(keys(comment)).toBeLessThan(3000);
    expect(comment).toContain('the full diff is in `diff-full.md`');
    expect(full).not.toContain('left out');
  });
});
