import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../main';
import { REPO_ROOT, scoreFile, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

const MIRROR = ['--from-kubernetes', join(REPO_ROOT, 'schemas/kubernetes'), '--from-crds', join(REPO_ROOT, 'schemas/crds')];
const ROLLOUT = 'provisioners/rollout/';

function files(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`])).sort();
}

describe('score-nx schemas pull', () => {
  it("--check: the repository's committed schemas/ is exactly what its library and environments need", async () => {
    const r = await tempWorkspace().cli(['schemas', 'pull', '--check'], REPO_ROOT);
    expect(r.stderr).toMatch(/^schemas\/ is up to date: \d+ API types, Kubernetes 1\.31\.0, 1\.32\.0, 1\.33\.0\n$/);
    expect(r.code).toBe(0);
  });

  it('writes schemas/ from a mirror, then --check fails naming a kind added to a template until the next pull', async () => {
    ws = tempWorkspace({ 'services/api/score.yaml': scoreFile('api') });
    const missing = await ws.cli(['schemas', 'pull', '--check']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'schemas/ is stale:\n  schemas/lock.yaml: missing or unreadable; run score-nx schemas pull\n' });

    const pulled = await ws.cli(['schemas', 'pull', ...MIRROR]);
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toMatch(/^wrote schemas\/: 5 files, \d+ KiB, for 4 API types and Kubernetes 1\.31\.0, 1\.32\.0, 1\.33\.0\n$/);
    expect(files(join(ws.root, 'schemas'))).toEqual(['NOTICE', 'kubernetes/v1.31.0/_definitions.json', 'kubernetes/v1.32.0/_definitions.json', 'kubernetes/v1.33.0/_definitions.json', 'lock.yaml']);
    expect((await ws.cli(['schemas', 'pull', '--check'])).code).toBe(0);

    ws.write(`${ROLLOUT}provisioner.yaml`, 'type: rollout\ndescription: test\ntemplates: {manifests: manifests.yaml.njk}\n');
    ws.write(`${ROLLOUT}manifests.yaml.njk`, 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: x}\n');
    const stale = await ws.cli(['schemas', 'pull', '--check']);
    expect(stale).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'schemas/ is stale:\n  argoproj.io/v1alpha1 Rollout (emitted by provisioners/rollout/manifests.yaml.njk:1): no schema in schemas/ (not in its Kubernetes definitions, no schemas/crds/argoproj.io/rollout_v1alpha1.json); run score-nx schemas pull\n',
    });
    expect((await ws.cli(['schemas', 'pull', ...MIRROR])).code).toBe(0);
    expect(readFileSync(join(ws.root, 'schemas/crds/argoproj.io/rollout_v1alpha1.json'))).toEqual(readFileSync(join(REPO_ROOT, 'schemas/crds/argoproj.io/rollout_v1alpha1.json')));
    expect((await ws.cli(['schemas', 'pull', '--check'])).code).toBe(0);
  });

  it('pulling the repository from its own schemas/ as a mirror reproduces every schema file byte for byte', async () => {
    ws = tempWorkspace();
    for (const dir of ['environments', 'provisioners']) execFileSync('cp', ['-r', join(REPO_ROOT, dir), ws.root]);
    execFileSync('cp', [join(REPO_ROOT, 'score-nx.yaml'), join(REPO_ROOT, 'provisioner-releases.yaml'), ws.root]);
    // Releases are read from git objects: give the temp workspace the repository's history.
    ws.git('fetch', '-q', REPO_ROOT, 'HEAD');
    const r = await ws.cli(['schemas', 'pull', ...MIRROR]);
    expect(r.code).toBe(0);
    const ours = files(join(REPO_ROOT, 'schemas'));
    expect(files(join(ws.root, 'schemas'))).toEqual(ours);
    for (const f of ours.filter((f) => f !== 'lock.yaml')) expect(readFileSync(join(ws.root, 'schemas', f)).equals(readFileSync(join(REPO_ROOT, 'schemas', f))), f).toBe(true);
  });

  it('refuses a bad source setting with its position', async () => {
    ws = tempWorkspace({ 'score-nx.yaml': 'schemas:\n  crds:\n    location: x\n    licence: MIT\n    mirror: yes\n' });
    expect(await ws.cli(['schemas', 'pull'])).toEqual({ code: 1, stdout: '', stderr: 'score-nx.yaml:5:5: schemas.crds.mirror: unknown key (known: location, licence, revision)\n' });
  });
});

describe('score-nx validate --env', () => {
  it("validates with the environment's Kubernetes version, the workspace schemas/ and -strict", async () => {
    ws = tempWorkspace();
    const rendered = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n';
    ws.write('out/a.yaml', rendered);
    expect(await ws.cli(['validate', '--env', 'dev', 'out/a.yaml'])).toEqual({ code: 1, stdout: '', stderr: "validate: the workspace has no schemas/ folder; run 'score-nx schemas pull'\n" });
    expect((await ws.cli(['schemas', 'pull', ...MIRROR])).code).toBe(0);
    expect(await ws.cli(['validate', '--env', 'prod', '-summary', 'out/a.yaml'])).toEqual({
      code: 0,
      stdout: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n',
      stderr: '',
    });
    ws.write('out/b.yaml', `${rendered}extra: field\n`);
    const strict = await ws.cli(['validate', '--env', 'dev', 'out/b.yaml']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("out/b.yaml - ConfigMap a is invalid: problem validating schema. Check JSON formatting: jsonschema validation failed with 'file://");
    expect(strict.stdout).toContain("additional properties 'extra' not allowed");
    // Without --env, a workspace with schemas/ still validates against it (no network).
    expect((await ws.cli(['validate', '-kubernetes-version', '1.33.0', 'out/a.yaml'])).code).toBe(0);
  });

  it('names the environments when one is unknown, and refuses a second Kubernetes version', async () => {
    ws = tempWorkspace();
    expect(await ws.cli(['validate', '--env', 'qa', 'x.yaml'])).toEqual({ code: 1, stdout: '', stderr: "validate: unknown environment 'qa' (environments/ defines: dev, preview, prod, staging)\n" });
    expect(await ws.cli(['validate', '--env=dev', '-kubernetes-version', '1.30.0', 'x.yaml'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'validate: --env dev sets the Kubernetes version (1.33.0); drop -kubernetes-version\n',
    });
  });
});

describe('the score-nx binary', () => {
  const bin = join(REPO_ROOT, 'packages/cli/bin/score-nx.js');
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

  it.each([['--version'], ['-V']])('%s prints the version', (flag) => {
    const r = spawnSync(process.execPath, [bin, flag], { encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('ends quietly with exit 0 when the reader closes stdout early (| head, | true)', () => {
    expect(existsSync(bin)).toBe(true);
    for (const reader of ['head -c 1 >/dev/null', 'true']) {
      const r = spawnSync('bash', ['-c', `node ${JSON.stringify(bin)} generate services/my-service --env dev | ${reader}; echo "exit=\${PIPESTATUS[0]}"`], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(r.stdout).toBe('exit=0\n');
      expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    }
  });

  it('keeps its exit code when stdout closes early on a failing command', () => {
    const r = spawnSync('bash', ['-c', `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\nbad: 1\\n' | node ${JSON.stringify(bin)} validate --env dev - | true; echo "exit=\${PIPESTATUS[1]}"`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('exit=1\n');
    expect(r.stderr).toBe('');
  });

  it('writes no colour to a pipe (-output pretty); colour only when the bin says stdout is a terminal without NO_COLOR', async () => {
    const input = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nbad: 1\n';
    const piped = spawnSync(process.execPath, [bin, 'validate', '--env', 'dev', '-output', 'pretty', '-'], { cwd: REPO_ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
    expect(piped.status).toBe(1);
    expect(piped.stdout).toMatch(/^\u2716 stdin: ConfigMap a is invalid: /);
    expect(piped.stdout).not.toContain('\x1b[');
    const outputs: string[] = [];
    for (const colour of [true, false]) {
      let stdout = '';
      await run(['validate', '--env', 'dev', '-output', 'pretty', '-'], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, stdin: Readable.from([input]), cwd: REPO_ROOT, env: {}, colour });
      outputs.push(stdout);
    }
    // eslint-disable-next-line no-control-regex
    expect(outputs[0]).toMatch(/^\x1b\[31m\u2716\x1b\[0m stdin: \x1b\[31mConfigMap a is invalid/);
    expect(outputs[1]).toMatch(/^\u2716 stdin: ConfigMap a is invalid/);
  });
});
