import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreFile, serviceConfig, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

function setup(): TempWorkspace {
  ws = tempWorkspace({
    'services/api/score.yaml': scoreFile('api'),
    'services/api/service-config.yaml': serviceConfig('registry.example.com/api:1.0.0'),
    'services/two/score.yaml': `apiVersion: score.dev/v1b1
metadata: {name: two, engineNamespace: team-a}
containers:
  web: {image: "."}
  worker: {image: "."}
`,
    'services/two/service-config.yaml': 'environments:\n  dev:\n    images: {web: "r/web:1", worker: "r/worker:1"}\n',
  });
  ws.commit('init');
  return ws;
}

describe('score-nx promote', () => {
  it('sets one image in place: a one-line diff that keeps comments and formatting', async () => {
    const w = setup();
    const r = await w.cli(['promote', 'api', '--env', 'prod', '--image', 'registry.example.com/api:1.1.0']);
    expect(r).toEqual({ code: 0, stdout: 'api prod main: registry.example.com/api:1.0.0 -> registry.example.com/api:1.1.0\n', stderr: '' });
    expect(w.git('diff', '--numstat')).toBe('1\t1\tservices/api/service-config.yaml\n');
    expect(w.git('diff', '-U0').split('\n').filter((l) => /^[-+] /.test(l))).toEqual([
      '-      main: registry.example.com/api:1.0.0',
      '+      main: registry.example.com/api:1.1.0',
    ]);
    expect(readFileSync(join(w.root, 'services/api/service-config.yaml'), 'utf8')).toContain('# Deploy config of this service.');
  });

  it('keeps a comment on the promoted line', async () => {
    const w = setup();
    await w.cli(['promote', 'services/api', '--env', 'dev', '--image', 'main=registry.example.com/api:2.0.0']);
    expect(w.git('diff', '-U0').split('\n').filter((l) => /^[-+] /.test(l))).toEqual([
      '-      main: registry.example.com/api:1.0.0   # promoted by CI',
      '+      main: registry.example.com/api:2.0.0   # promoted by CI',
    ]);
  });

  it('promotes every image from one environment to another', async () => {
    const w = setup();
    await w.cli(['promote', 'api', '--env', 'staging', '--image', 'registry.example.com/api:1.2.0']);
    w.commit('staging');
    const r = await w.cli(['promote', 'api', '--from', 'staging', '--to', 'prod']);
    expect(r.stdout).toBe('api prod main: registry.example.com/api:1.0.0 -> registry.example.com/api:1.2.0\n');
    expect(w.git('diff', '--numstat')).toBe('1\t1\tservices/api/service-config.yaml\n');
  });

  it('says so when nothing changes, and writes nothing', async () => {
    const w = setup();
    const r = await w.cli(['promote', 'api', '--env', 'prod', '--image', 'registry.example.com/api:1.0.0']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'api: nothing to change\n' });
    expect(w.git('status', '--porcelain')).toBe('');
  });

  it.each([
    [['promote', 'nope', '--env', 'prod', '--image', 'x:1'], "unknown service 'nope' (services: api, two)\n"],
    [['promote', 'api', '--env', 'qa', '--image', 'x:1'], "unknown environment 'qa' (environments: dev, preview, prod, staging)\n"],
    [['promote', 'api', '--env', 'preview', '--image', 'x:1'], "the service does not deploy to 'preview': service-config.yaml has no environments.preview\n"],
    [['promote', 'api', '--env', 'prod', '--image', 'sidecar=x:1'], "unknown container 'sidecar' (containers: main)\n"],
    [['promote', 'two', '--env', 'dev', '--image', 'x:1'], 'the service has containers web, worker: say which, as <container>=<image>\n'],
    [['promote', 'api', '--env', 'prod', '--image', 'bad image'], "'bad image' is not an image reference\n"],
    [['promote', 'api', '--from', 'dev'], '--from and --to go together\n'],
    [['promote', 'api'], 'give --env and --image, or --from and --to\n'],
  ])('refuses %j', async (argv, message) => {
    const w = setup();
    const r = await w.cli(argv);
    expect(r).toEqual({ code: 1, stdout: '', stderr: message });
    expect(w.git('status', '--porcelain')).toBe('');
  });
});
