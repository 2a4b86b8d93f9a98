import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The shippable CLI: `npm pack` of packages/cli, installed with `npm install -g --offline` into an empty prefix
 * outside the workspace (and an empty npm cache, so nothing can come from a registry), then driven through the
 * Argo CD plugin's own generate command. Its output must be byte for byte the in-workspace render.
 */
const REPO = resolve(__dirname, '../..');
const cliManifest = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8')) as { version: string; dependencies?: object };
const TARBALL = `score-nx-cli-${cliManifest.version}.tgz`;
const plugin = parse(readFileSync(join(__dirname, 'plugin.yaml'), 'utf8')) as { spec: { generate: { command: string[]; args: string[] } } };

let root = '';
let prefixBin = '';
let workspace = '';
let packedFiles: string[] = [];

function deploysTo(service: string): string[] {
  const config = parse(readFileSync(join(REPO, 'services', service, 'service-config.yaml'), 'utf8')) as { environments: Record<string, unknown> };
  return Object.keys(config.environments).sort();
}

/** The plugin's generate command, as the CMP server runs it: `sh -c` in the application's folder. */
function runPlugin(serviceDir: string, path: string, env: Record<string, string>) {
  const { command, args } = plugin.spec.generate;
  return spawnSync(command[0]!, [...command.slice(1), ...args], { cwd: serviceDir, env: { PATH: path, HOME: serviceDir, ...env }, encoding: 'utf8' });
}

describe('the packed CLI', { timeout: 180_000 }, () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'score-nx-pack-'));
    const out = execFileSync('npm', ['pack', '-w', '@score-nx/cli', '--json', '--pack-destination', root], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    packedFiles = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
    const prefix = join(root, 'prefix');
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--cache', join(root, 'empty-cache'), '--prefix', prefix, join(root, TARBALL)], {
      cwd: root,
      stdio: 'pipe',
      env: { PATH: process.env['PATH']!, HOME: root },
    });
    prefixBin = join(prefix, 'bin');
    // The repository as Argo CD sends it to the plugin: the workspace folders and the git objects (pinned releases).
    workspace = join(root, 'repo');
    for (const entry of ['environments', 'provisioners', 'services', 'provisioner-releases.yaml']) {
      cpSync(join(REPO, entry), join(workspace, entry), { recursive: true, filter: (s) => !s.endsWith('.test.ts') });
    }
    writeFileSync(join(workspace, '.git'), `gitdir: ${execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: REPO, encoding: 'utf8' }).trim()}\n`);
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('is the bundle alone: no dist, no dependencies, and postpack leaves the workspace as it was', () => {
    expect(packedFiles).toEqual(['bin/score-nx.js', 'bundle/THIRD_PARTY_LICENSES.txt', 'bundle/diff-worker.js', 'bundle/main.js', 'bundle/parallel.js', 'bundle/yaml-reader.js', 'package.json']);
    expect(cliManifest.dependencies).toBeUndefined();
    expect(existsSync(join(REPO, 'packages/cli/bundle'))).toBe(false);
    const installed = join(prefixBin, '..', 'lib/node_modules/@score-nx/cli');
    expect(readdirSync(installed).sort()).toEqual(['bin', 'bundle', 'package.json']);
  });

  it.each(deploysTo('my-service'))('renders services/my-service for %s through the plugin, byte-identical to the workspace', (env) => {
    const vars = { ARGOCD_APP_NAME: `my-service-${env}`, PARAM_ENVIRONMENT: env, ...(env === 'preview' ? { PARAM_PR: '42' } : {}) };
    const installed = runPlugin(join(workspace, 'services/my-service'), `${prefixBin}:${process.env['PATH']}`, vars);
    expect(installed.stderr).toBe('');
    expect(installed.status).toBe(0);
    const inWorkspace = execFileSync(process.execPath, [join(REPO, 'packages/cli/bin/score-nx.js'), 'generate', 'services/my-service', '--env', env, '--quiet', ...(env === 'preview' ? ['--pr', '42'] : [])], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(installed.stdout).toBe(inWorkspace);
    expect(installed.stdout.length).toBeGreaterThan(1000);
  });

  it('validates with the bundled validator (ajv compiled in the bundle)', () => {
    const schemas = join(root, 'schemas');
    mkdirSync(schemas, { recursive: true });
    writeFileSync(join(schemas, 'configmap-v1.json'), JSON.stringify({ type: 'object', required: ['data'], properties: { data: { type: 'object', additionalProperties: { type: 'string' } } } }));
    const location = join(schemas, '{{ .ResourceKind }}-{{ .ResourceAPIVersion }}.json');
    const validate = (doc: string) =>
      spawnSync(join(prefixBin, 'score-nx'), ['validate', '-strict', '-schema-location', location, '-'], { input: doc, cwd: root, encoding: 'utf8' });
    const ok = validate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n');
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const bad = validate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 1}\n');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('ConfigMap a is invalid');
  });

  it('reads deeply nested flow collections with the bundled big-stack reader, as the workspace CLI does', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {k: ${'['.repeat(400)}${']'.repeat(400)}}\n`;
    const args = ['validate', '-schema-location', join(root, 'schemas', '{{ .ResourceKind }}-{{ .ResourceAPIVersion }}.json'), '-'];
    const packed = spawnSync(join(prefixBin, 'score-nx'), args, { input: deep, cwd: root, encoding: 'utf8' });
    const inWorkspace = spawnSync(process.execPath, [join(REPO, 'packages/cli/bin/score-nx.js'), ...args], { input: deep, cwd: root, encoding: 'utf8' });
    expect(packed.stdout).toContain('ConfigMap deep is invalid');
    expect({ status: packed.status, stdout: packed.stdout, stderr: packed.stderr }).toEqual({ status: inWorkspace.status, stdout: inWorkspace.stdout, stderr: inWorkspace.stderr });
  });

  it('says git is missing, not that the clone is shallow, when a pinned release needs it', () => {
    const nodeOnly = mkdtempSync(join(tmpdir(), 'score-nx-nogit-'));
    try {
      symlinkSync(process.execPath, join(nodeOnly, 'node'));
      const r = spawnSync(join(prefixBin, 'score-nx'), ['generate', 'services/my-service', '--env', 'prod'], { cwd: workspace, env: { PATH: `${prefixBin}:${nodeOnly}`, HOME: root }, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        "environments/prod.yaml: provisioners: provisioner library version '1.1.0' is read from git objects, so rendering with it needs git, and no 'git' executable is on PATH: install git (in the Argo CD sidecar image too; see tools/argocd/Dockerfile)\n",
      );
    } finally {
      rmSync(nodeOnly, { recursive: true, force: true });
    }
  });
});

describe('tools/argocd/Dockerfile (the CMP sidecar image)', () => {
  const instructions = DockerfileParser.parse(readFileSync(join(__dirname, 'Dockerfile'), 'utf8')).getInstructions();
  const all = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
  const runs = all('RUN').join('\n');

  it('starts from a pinned Node image the CLI supports', () => {
    const [from] = all('FROM');
    const m = /^node:(\d+)\.(\d+)\.(\d+)-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/.exec(from ?? '');
    expect(m, from).not.toBeNull();
    expect(Number(m![1]) > 20 || (Number(m![1]) === 20 && Number(m![2]) >= 19)).toBe(true);
  });

  it('installs the packed tarball offline, and git', () => {
    expect(all('COPY')).toContain(`${TARBALL} /tmp/score-nx-cli.tgz`);
    expect(runs).toMatch(/npm install -g --offline [^\n]*\/tmp\/score-nx-cli\.tgz/);
    expect(runs).toMatch(/apt-get install -y --no-install-recommends git\b/);
  });

  it('runs as the non-root user 999 that Argo CD expects of plugin sidecars, as the sidecar patch says', () => {
    expect(runs).toMatch(/useradd --uid 999 /);
    const users = all('USER');
    expect(users.at(-1)).toBe('999');
    expect(instructions.at(-1)!.getKeyword()).toBe('USER');
    const patch = parse(readFileSync(join(__dirname, 'sidecar-patch.yaml'), 'utf8')) as {
      spec: { template: { spec: { containers: Array<{ securityContext: { runAsUser: number; runAsNonRoot: boolean } }> } } };
    };
    expect(patch.spec.template.spec.containers[0]!.securityContext).toMatchObject({ runAsUser: 999, runAsNonRoot: true });
  });

  it('puts the plugin configuration where the CMP server reads it', () => {
    const copy = instructions.find((i) => i.getKeyword() === 'COPY' && (i.getArgumentsContent() ?? '').startsWith('plugin.yaml '));
    expect(copy?.getArgumentsContent()).toBe('plugin.yaml /home/argocd/cmp-server/config/plugin.yaml');
    expect(copy?.getTextContent()).toContain('--chown=999:999');
  });
});
