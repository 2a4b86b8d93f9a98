import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePluginBuilt } from '../../packages/nx-plugin/src/test-support/build';
import { sampleWorkspace, tempWorkspace } from '../../packages/nx-plugin/src/test-support/workspace';
// @ts-expect-error: a plain ESM script without types
import { startCacheServer } from './cache-server.mjs';
// @ts-expect-error: a plain ESM script without types
import { affectedProjects, shardProjects } from './shard.mjs';

/**
 * CI at scale, against the real nx binary: Nx's self-hosted remote cache client talking to tools/ci/cache-server.mjs
 * on loopback, and the shard script splitting the affected projects of a real workspace.
 */
const repoRoot = resolve(__dirname, '../..');
const nxBin = join(repoRoot, 'node_modules', 'nx', (createRequire(join(repoRoot, 'package.json'))('nx/package.json') as { bin: { nx: string } }).bin.nx);

interface CacheServer {
  url: string;
  stats: { get: number; getHit: number; put: number; putConflict: number; denied: number };
  close(): Promise<void>;
}

let root = '';
let dispose = () => {};
let server: CacheServer;
let store = '';

/** Runs nx without blocking this process: the cache server answers from this process's event loop. */
function nx(args: string[], token: string): Promise<string> {
  const child = spawn(process.execPath, [nxBin, ...args, '--outputStyle=static'], {
    cwd: root,
    env: {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      CI: 'true',
      NX_ISOLATE_PLUGINS: 'false',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`nx ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

function put(hash: string, token: string, body: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(`${server.url}/v1/cache/${hash}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end(body);
  });
}

const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], { cwd: root, stdio: 'pipe' }).toString();

describe('CI at scale', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    ensurePluginBuilt(repoRoot);
    ({ root, dispose } = tempWorkspace(
      {
        ...sampleWorkspace(),
        'package.json': '{ "name": "ci", "private": true }\n',
        '.gitignore': 'node_modules\ndist\n.nx\n',
        'nx.json': JSON.stringify({ neverConnectToCloud: true, defaultBase: 'main', plugins: [{ plugin: '@score-nx/nx-plugin', options: {} }] }, null, 2),
      },
      'score-nx-ci-',
    ));
    rmSync(join(root, 'provisioner-releases.yaml'));
    writeFileSync(join(root, 'environments/prod.yaml'), 'kubernetesVersion: 1.31.0\nnamespace:\n  fromMetadata: engineNamespace\nmetadata:\n  domain: example.com\n');
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    store = mkdtempSync(join(tmpdir(), 'score-nx-remote-cache-'));
    server = (await startCacheServer({ dir: store, readToken: 'read-token', writeToken: 'write-token' })) as CacheServer;
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    rmSync(store, { recursive: true, force: true });
    dispose();
  });

  it('main writes the remote cache; a fresh machine with a read-only token is served from it', async () => {
    await nx(['run-many', '-t', 'generate'], 'write-token');
    expect(server.stats.put).toBeGreaterThan(0);
    expect(server.stats.putConflict).toBe(0);
    const stored = server.stats.put;

    // A fresh checkout: no local cache, no outputs.
    rmSync(join(root, '.nx'), { recursive: true, force: true });
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const out = await nx(['run-many', '-t', 'generate'], 'read-token');
    expect(out).toMatch(/\[remote cache\]/);
    expect(out).not.toMatch(/\[local cache\]/);
    expect(server.stats.getHit).toBeGreaterThanOrEqual(stored);
    expect(server.stats.put).toBe(stored); // hits are not uploaded again
    expect(execFileSync('ls', [join(root, 'dist/manifests/dev/alpha')]).toString()).toBe('manifests.yaml\n');
  });

  it('a pull request (read-only token) cannot write: its uploads are refused and its tasks still pass', async () => {
    writeFileSync(join(root, 'services/beta/extra.txt'), 'changes the hash of beta\n');
    const denied = server.stats.denied;
    await nx(['run', 'beta:generate:dev'], 'read-token');
    expect(server.stats.denied).toBeGreaterThan(denied);
  });

  it('refuses to overwrite a stored entry (409) and unauthenticated writes (401)', async () => {
    expect(await put('abc123', 'write-token', 'first')).toBe(200);
    expect(await put('abc123', 'write-token', 'second')).toBe(409);
    expect(await put('def456', '', 'x')).toBe(401);
    expect(await put('def456', 'read-token', 'x')).toBe(403);
  });

  it('shards the affected projects of a change across jobs, each project in exactly one shard', () => {
    git('add', '-A');
    git('commit', '-q', '-m', 'beta changed');
    writeFileSync(join(root, 'environments/dev.yaml'), `${execFileSync('cat', [join(root, 'environments/dev.yaml')]).toString()}# touched\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'dev environment changed');
    const affected = (affectedProjects({ target: 'generate', base: 'HEAD~1', head: 'HEAD', cwd: root, nxBin }) as string[]).sort();
    expect(affected).toEqual(['alpha', 'beta']); // gamma deploys to prod only
    const shards = [1, 2].map((i) => shardProjects(affected, i, 2) as string[]);
    expect(shards.flat().sort()).toEqual(affected);
    expect(shards[0]!.filter((p) => shards[1]!.includes(p))).toEqual([]);
  });
});
