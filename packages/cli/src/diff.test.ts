import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
