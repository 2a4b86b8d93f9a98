import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, scoreFile, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';
import { applyArgoCdEnvironment } from './generate';

interface Obj {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown> & {
    destination?: { name: string; namespace: string };
    source?: { path: string; plugin: { name: string; parameters: Array<{ name: string; string: string }> } };
  };
}

const plugin = parse(readFileSync(join(REPO_ROOT, 'tools/argocd/plugin.yaml'), 'utf8')) as {
  metadata: { name: string };
  spec: { version: string; parameters: { static: Array<{ name: string; required: boolean; string?: string }> } };
};
const pluginName = `${plugin.metadata.name}-${plugin.spec.version}`;
const announced = plugin.spec.parameters.static.map((p) => p.name).sort();

const monitoring = (channel: string) => `resources:\n  alerts:\n    type: monitoring\n    params:\n      devTeamSlackChannel: "${channel}"\n`;

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

async function apps(files: Record<string, string>, args: string[] = []) {
  ws = tempWorkspace(files);
  const r = await ws.cli(['argocd', 'apps', ...args]);
  return { ...r, objects: r.code === 0 ? parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj) : [] };
}

describe('score-nx argocd apps', () => {
  it('emits an Application only for each environment a service deploys to', async () => {
    const r = await apps({
      'services/a/score.yaml': scoreFile('a', monitoring('#team-a')),
      'services/a/service-config.yaml': 'environments:\n  dev:\n    images: {main: r/a:1}\n  preview:\n    images: {main: r/a:pr}\n',
      'services/b/score.yaml': scoreFile('b').replace('engineNamespace: team-a', 'engineNamespace: team-b'),
      'services/b/service-config.yaml': 'environments:\n  staging:\n    images: {main: r/b:1}\n  prod:\n    images: {main: r/b:1}\n',
      // Without a service config a service renders for every regular environment, so it deploys to all of them.
      'services/c/score.yaml': scoreFile('c').replace('image: "."', 'image: nginx'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const applications = r.objects.filter((o) => o.kind === 'Application');
    // Environment by environment (files order: dev, prod, staging), services by name; a-prod, a-staging, b-dev absent.
    // a and c share namespace team-a in dev only: the platform's shared output gets an Application there.
    expect(applications.map((o) => o.metadata.name)).toEqual(['a-dev', 'c-dev', 'platform-shared-dev', 'b-prod', 'c-prod', 'b-staging', 'c-staging']);
    expect(applications[2]!.spec.source).toMatchObject({ path: 'platform/shared', plugin: { name: pluginName, parameters: [{ name: 'environment', string: 'dev' }] } });
    expect(r.objects.filter((o) => o.kind === 'ApplicationSet').map((o) => o.metadata.name)).toEqual(['score-nx-preview']);
    const aDev = applications[0]!;
    expect(aDev.spec.source).toEqual({ repoURL: 'https://git.example.com/platform/services.git', targetRevision: 'main', path: 'services/a', plugin: { name: pluginName, parameters: [{ name: 'environment', string: 'dev' }] } });
    expect(aDev.spec.destination).toEqual({ name: 'dev-euw1', namespace: 'team-a' });
    expect(aDev.metadata.annotations).toEqual({
      'notifications.argoproj.io/subscribe.on-deployed.slack': 'team-a',
      'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'team-a',
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'team-a',
    });
    expect(applications.find((o) => o.metadata.name === 'c-dev')!.metadata.annotations).toBeUndefined();
  });

  it('emits a preview ApplicationSet from the pull-request generator, naming the plugin with the pr parameter', async () => {
    const r = await apps(
      {
        'services/a/score.yaml': scoreFile('a', monitoring('team-a')),
        'services/a/service-config.yaml': 'environments:\n  dev:\n    images: {main: r/a:1}\n  preview:\n    images: {main: r/a:pr}\n',
        'services/b/score.yaml': scoreFile('b'),
        'services/b/service-config.yaml': 'environments:\n  dev:\n    images: {main: r/b:1}\n',
      },
      ['--pull-requests', 'github:acme/services'],
    );
    expect(r.code).toBe(0);
    const sets = r.objects.filter((o) => o.kind === 'ApplicationSet');
    expect(sets.map((o) => o.metadata.name)).toEqual(['score-nx-preview']);
    const spec = sets[0]!.spec as {
      generators: Array<{ matrix: { generators: Array<Record<string, { elements?: unknown[]; github?: Record<string, unknown> }>> } }>;
      template: { metadata: { name: string }; spec: { source: { targetRevision: string; plugin: { name: string; parameters: Array<{ name: string; string: string }> } }; destination: { namespace: string } } };
      templatePatch: string;
    };
    const [prs, list] = spec.generators[0]!.matrix.generators;
    expect(prs!['pullRequest']!.github).toMatchObject({ owner: 'acme', repo: 'services', labels: ['preview'] });
    expect(list!['list']!.elements).toEqual([{ service: 'a', path: 'services/a', namespace: 'team-a', slackChannel: 'team-a' }]);
    const source = spec.template.spec.source;
    expect(source.plugin.name).toBe(pluginName);
    expect(source.plugin.parameters).toEqual([
      { name: 'environment', string: 'preview' },
      { name: 'pr', string: '{{ .number }}' },
    ]);
    expect(source.targetRevision).toBe('{{ .head_sha }}');
    expect(spec.template.spec.destination.namespace).toBe('{{ .namespace }}-pr-{{ .number }}');
    expect(spec.template.metadata.name).toBe('{{ .service }}-preview-{{ .number }}');
    // The notification patch is valid YAML once its one condition is dropped.
    const patched = parse(spec.templatePatch.split('\n').filter((l) => !l.startsWith('{{-')).join('\n')) as { metadata: { annotations: Record<string, string> } };
    expect(Object.keys(patched.metadata.annotations)).toContain('notifications.argoproj.io/subscribe.on-deployed.slack');
    // Every parameter the generated objects pass is one the plugin announces.
    for (const p of source.plugin.parameters) expect(announced).toContain(p.name);
  });

  it('refuses a pull-request source it cannot express, and a channel conflict, naming the file', async () => {
    const bad = await apps({ 'services/a/score.yaml': scoreFile('a') }, ['--pull-requests', 'svn:acme/x']);
    expect(bad).toMatchObject({ code: 1, stdout: '', stderr: "--pull-requests must be github:<owner>/<repo> or gitlab:<group>/<project>, got 'svn:acme/x'\n" });
    ws?.cleanup();
    const two = await apps({ 'services/a/score.yaml': scoreFile('a', `${monitoring('x')}  more:\n    type: monitoring\n    params:\n      devTeamSlackChannel: y\n`) });
    expect(two).toMatchObject({ code: 1, stdout: '', stderr: 'services/a/score.yaml: monitoring resources name different Slack channels (x, y); deployment notifications need one\n' });
  });

  it('keeps tools/argocd/apps.yaml up to date with the workspace (--check)', async () => {
    ws = undefined;
    const { run } = await import('../main');
    let stderr = '';
    const code = await run(['argocd', 'apps', '-o', 'tools/argocd/apps.yaml', '--check'], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: REPO_ROOT, env: {} });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('the plugin announces exactly what it applies', () => {
  it('announces environment (required), pr and provisioners, with no default it would not apply', () => {
    expect(announced).toEqual(['environment', 'pr', 'provisioners']);
    for (const p of plugin.spec.parameters.static) expect(p.string, p.name).toBeUndefined();
    expect(plugin.spec.parameters.static.find((p) => p.name === 'environment')!.required).toBe(true);
  });

  it('reads every announced parameter from PARAM_<NAME>', () => {
    const flags: Record<string, string | undefined> = {};
    applyArgoCdEnvironment(flags, { ARGOCD_APP_NAME: 'x', PARAM_ENVIRONMENT: 'preview', PARAM_PR: '7', PARAM_PROVISIONERS: '1.0.0' });
    expect(flags).toEqual({ env: 'preview', pr: '7', provisioners: '1.0.0' });
    expect(() => applyArgoCdEnvironment({}, { ARGOCD_APP_NAME: 'x' })).toThrow("Argo CD application 'x': set the plugin parameter 'environment'");
  });
});
