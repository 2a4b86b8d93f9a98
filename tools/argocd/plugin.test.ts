import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The Argo CD Config Management Plugin contract, driven as Argo CD drives it: the generate command of
 * plugin.yaml runs through `sh -c` in the application's source folder (a service), with the application's
 * variables in the environment and the repository (with .git) around it.
 */
const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'packages/cli/bin/score-nx.js');
const plugin = parse(readFileSync(join(__dirname, 'plugin.yaml'), 'utf8')) as {
  spec: { generate: { command: string[]; args: string[] }; discover: { fileName: string } };
};

let workspace: string;
let bin: string;

beforeAll(() => {
  if (!existsSync(join(REPO, 'packages/cli/dist/main.js'))) throw new Error('build the CLI first (npm run build)');
  workspace = mkdtempSync(join(tmpdir(), 'score-nx-argocd-'));
  for (const entry of ['environments', 'provisioners', 'services', 'platform', 'provisioner-releases.yaml']) {
    if (existsSync(join(REPO, entry))) cpSync(join(REPO, entry), join(workspace, entry), { recursive: true, filter: (s) => !s.endsWith('.test.ts') });
  }
  // The repository's objects, for pinned library releases (the repo-server must send .git to the plugin).
  // (rev-parse: in a git worktree REPO/.git is itself a file pointing elsewhere)
  writeFileSync(join(workspace, '.git'), `gitdir: ${execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: REPO, encoding: 'utf8' }).trim()}\n`);
  bin = mkdtempSync(join(tmpdir(), 'score-nx-bin-'));
  symlinkSync(CLI, join(bin, 'score-nx'));
});

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
});

function runPlugin(serviceDir: string, env: Record<string, string>) {
  const { command, args } = plugin.spec.generate;
  return spawnSync(command[0]!, [...command.slice(1), ...args], {
    cwd: serviceDir,
    env: { PATH: `${bin}:${process.env['PATH']}`, HOME: serviceDir, ...env },
    encoding: 'utf8',
  });
}

/** Every file of the workspace outside `except`, with its content hash. */
function snapshot(except: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (p === except) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(relative(workspace, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(workspace);
  return files;
}

function servicesAndEnvironments(): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const service of readdirSync(join(REPO, 'services')).sort()) {
    const configFile = join(REPO, 'services', service, 'service-config.yaml');
    const envs = existsSync(configFile)
      ? Object.keys((parse(readFileSync(configFile, 'utf8')) as { environments: Record<string, unknown> }).environments)
      : ['dev', 'staging', 'prod'];
    for (const env of envs.sort()) pairs.push([service, env]);
  }
  return pairs;
}

describe('Argo CD config management plugin', () => {
  it('discovers services by their score.yaml', () => {
    expect(plugin.spec.discover.fileName).toBe('./score.yaml');
  });

  it.each(servicesAndEnvironments())('renders %s for %s as Argo CD runs it', (service, env) => {
    const dir = join(workspace, 'services', service);
    const before = snapshot(dir);
    const vars = { ARGOCD_APP_NAME: `${service}-${env}`, ARGOCD_APP_NAMESPACE: 'argocd-dest', PARAM_ENVIRONMENT: env, ...(env === 'preview' ? { PARAM_PR: '42' } : {}) };
    const first = runPlugin(dir, vars);
    expect(first.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(first.status).toBe(0);
    const docs = parseAllDocuments(first.stdout);
    const objects = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as { kind?: unknown; apiVersion?: unknown });
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) expect([typeof o.apiVersion, typeof o.kind]).toEqual(['string', 'string']);
    const second = runPlugin(dir, vars);
    expect(second.stdout).toBe(first.stdout);
    expect(snapshot(dir)).toEqual(before);
  });

  it('renders the platform-owned shared objects in platform/shared, each once', () => {
    const dir = join(workspace, 'platform', 'shared');
    const before = snapshot(dir);
    const r = runPlugin(dir, { ARGOCD_APP_NAME: 'platform-shared-dev', PARAM_ENVIRONMENT: 'dev' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(['Namespace /payments', 'Bucket payments/shared-documents']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('fails a broken service with a non-zero exit and nothing on stdout', () => {
    const dir = join(workspace, 'services', 'zz-broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'score.yaml'), 'apiVersion: score.dev/v1b1\nmetadata:\n  name: zz-broken\n  engineNamespace: team-a\ncontainers:\n  main:\n    image: nginx\n    variables:\n      X: ${resources.missing.host}\n');
    const r = runPlugin(dir, { ARGOCD_APP_NAME: 'zz-broken-dev', ARGOCD_APP_NAMESPACE: 'team-a', PARAM_ENVIRONMENT: 'dev' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("services/zz-broken/score.yaml:9:7: containers.main.variables.X: invalid ref 'resources.missing.host': no known resource 'missing'\n");
  });

  it('fails without an environment, with nothing on stdout', () => {
    const r = runPlugin(join(workspace, 'services', 'hello-web'), { ARGOCD_APP_NAME: 'hello-web-dev' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("Argo CD application 'hello-web-dev': set the plugin parameter 'environment' (or the plugin env ENVIRONMENT)\n");
  });
});
