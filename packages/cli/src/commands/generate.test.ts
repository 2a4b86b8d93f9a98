import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { h10, useTempDir } from '@score-nx/engine/testing';
import { run } from '../main';
import { applyArgoCdEnvironment } from './generate';
import type { CliIo } from '../io';

const REPO = resolve(__dirname, '../../../..');

/** Runs the CLI with captured streams. */
async function cli(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: {},
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const BROKEN = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: broken\ncontainers:\n  main:\n    image: nginx\n    variables:\n      PORT: 8080\n';

/** A temp folder holding `svc/score.yaml` with the given text. */
function service(text: string): string {
  const dir = useTempDir();
  mkdirSync(join(dir, 'svc'));
  writeFileSync(join(dir, 'svc', 'score.yaml'), text);
  return dir;
}

describe('score-nx generate', () => {
  it('prints the manifests of a service folder on stdout, logs on stderr', async () => {
    const { code, stdout, stderr } = await cli(['generate', 'services/hello-web'], REPO);
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout);
    expect(Array.isArray(docs)).toBe(true);
    const objects = (docs as Array<ReturnType<typeof parseAllDocuments>[number] & { errors: unknown[] }>).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as { kind: string; metadata: { name: string } };
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `ConfigMap/hello-web-web-file-${h10('web', '/usr/share/nginx/html/index.html')}`,
      'Service/hello-web',
      'Deployment/hello-web',
    ]);
    expect(stdout.startsWith('---\n')).toBe(true);
    expect(stderr).toBe('services/hello-web/score.yaml: 3 objects\n');
  });

  it('accepts the Score file itself, and is quiet with --quiet', async () => {
    const folder = await cli(['generate', 'services/hello-web'], REPO);
    const file = await cli(['generate', '--quiet', 'services/hello-web/score.yaml'], REPO);
    expect(file).toEqual({ code: 0, stdout: folder.stdout, stderr: '' });
  });

  it('writes --output atomically, with the bytes it would print', async () => {
    const dir = useTempDir();
    const out = join(dir, 'manifests.yaml');
    const printed = await cli(['generate', 'services/hello-web'], REPO);
    const written = await cli(['generate', 'services/hello-web', '--output', out], REPO);
    expect(written).toEqual({ code: 0, stdout: '', stderr: 'services/hello-web/score.yaml: 3 objects\n' });
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
    expect(readdirSync(dir)).toEqual(['manifests.yaml']);
  });

  it('resolves a relative --output against the working folder', async () => {
    const dir = service(BROKEN.replace('8080', '"8080"'));
    const { code, stdout, stderr } = await cli(['generate', 'svc', '-o', 'out.yaml'], dir);
    expect([code, stdout, stderr]).toEqual([0, '', 'svc/score.yaml: 1 objects\n']);
    expect(readFileSync(join(dir, 'out.yaml'), 'utf8')).toContain('value: "8080"\n');
  });

  it('logs upgrades of deprecated forms as warnings', async () => {
    const dir = service('apiVersion: score.dev/v1b1\nmetadata:\n  name: old\ncontainers:\n  main:\n    image: nginx\n    files:\n      - target: /etc/a\n        content: x\n');
    const { code, stderr } = await cli(['generate', 'svc'], dir);
    expect(code).toBe(0);
    expect(stderr).toBe('warning: svc/score.yaml: containers.main.files: converted the deprecated list form to a map keyed by target\nsvc/score.yaml: 2 objects\n');
  });

});

describe('score-nx generate: the edges of the trust boundary (issue 11)', () => {
  it('writes through a symlink in place instead of replacing the link with a file', async () => {
    const dir = service(OK);
    writeFileSync(join(dir, 'real.yaml'), '');
    symlinkSync('real.yaml', join(dir, 'link.yaml'));
    expect((await cli(['generate', 'svc', '-o', 'link.yaml'], dir)).code).toBe(0);
    expect(lstatSync(join(dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.yaml'), 'utf8')).toContain('kind: Deployment');
  });

  // The built CLI in a shell, so that its stdout is a file the test reads (as root here: a rename over
  // /dev/stdout would replace the system's link with a plain file).
  const BIN = join(REPO, 'packages/cli/bin/score-nx.js');
  const shell = (script: string, cwd: string) => spawnSync('bash', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, BIN } });

  it('-o /dev/stdout writes to the stdout it is given and leaves /dev/stdout a link (run as root too)', () => {
    expect(existsSync(BIN)).toBe(true);
    const dir = service(OK);
    const before = lstatSync('/dev/stdout');
    const r = shell('node "$BIN" generate svc -o /dev/stdout > out.txt', dir);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: 'svc/score.yaml: 1 objects\n' });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toMatch(/^---\napiVersion: apps\/v1\nkind: Deployment\n/);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(before.isSymbolicLink());
    expect(lstatSync('/dev/stdout').ino).toBe(before.ino);
    expect(readdirSync(dir).sort()).toEqual(['out.txt', 'svc']);
  });

  it('-o through a link to a device writes to the device and keeps the link', () => {
    const dir = service(OK);
    symlinkSync('/dev/stdout', join(dir, 'to-stdout.yaml'));
    const r = shell('node "$BIN" generate svc -o to-stdout.yaml | cat > piped.txt', dir);
    expect(r.status).toBe(0);
    expect(lstatSync(join(dir, 'to-stdout.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'piped.txt'), 'utf8')).toContain('kind: Deployment');
    expect(readdirSync(dir).sort()).toEqual(['piped.txt', 'svc', 'to-stdout.yaml']);
  });

  it('refuses conflicting ARGOCD_ENV_ENVIRONMENT and PARAM_ENVIRONMENT instead of picking one silently', () => {
    const flags: { env?: string } = {};
    expect(() => applyArgoCdEnvironment(flags, { ARGOCD_ENV_ENVIRONMENT: 'dev', PARAM_ENVIRONMENT: 'prod' })).toThrow(
      "ARGOCD_ENV_ENVIRONMENT is 'dev' but PARAM_ENVIRONMENT is 'prod': set one of them (plugin env or plugin parameter), not both",
    );
    const same: { env?: string } = {};
    applyArgoCdEnvironment(same, { ARGOCD_ENV_ENVIRONMENT: 'dev', PARAM_ENVIRONMENT: 'dev' });
    expect(same.env).toBe('dev');
  });
});

const OK = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: ok\ncontainers:\n  main:\n    image: nginx\n';

/**
 * Failures, as kubeconform's acceptance.bats lists them: arguments in, exit code 1, nothing on stdout, the exact
 * message on stderr, and nothing written (the temp folder holds what it held before, the Score file is unchanged).
 * `score` is svc/score.yaml, `folders` are empty folders beside it, `cwd` is relative to the temp folder.
 */
const FAILURES: Array<{ name: string; argv: string[]; stderr: string; score?: string; folders?: string[]; cwd?: string }> = [
  {
    name: 'a broken Score file: one placed line, no output file',
    score: BROKEN,
    argv: ['generate', 'svc', '--output', 'out.yaml'],
    stderr: 'svc/score.yaml:8:7: containers.main.variables.PORT: must be string\n',
  },
  { name: 'a YAML error', score: 'a: 1\na: 2\n', argv: ['generate', 'svc'], stderr: "svc/score.yaml:2:1: duplicate key 'a': map keys must be unique\n" },
  {
    name: 'a conversion error',
    score: BROKEN.replace('8080', '${metadata.port}'),
    argv: ['generate', 'svc'],
    stderr: "svc/score.yaml:8:7: containers.main.variables.PORT: invalid ref 'metadata.port': key 'port' not found\n",
  },
  { name: 'a missing file or folder', argv: ['generate', 'nope'], stderr: 'nope: no such file or folder\n' },
  { name: 'a folder without score.yaml', folders: ['empty'], argv: ['generate', 'empty'], stderr: 'empty: the folder has no score.yaml\n' },
  { name: 'an output it cannot write', score: BROKEN.replace('8080', '"8080"'), argv: ['generate', 'svc', '-o', 'missing/out.yaml'], stderr: 'missing/out.yaml: cannot write the output: ENOENT\n' },
  { name: 'a usage error from the argument parser', argv: ['generate'], stderr: "error: missing required argument 'service'\n" },
  {
    name: '-o score.yaml (issue 11): the output never replaces an input',
    score: OK,
    argv: ['generate', 'svc', '-o', 'svc/score.yaml'],
    stderr: 'svc/score.yaml: is an input of this render; refusing to write the output over it\n',
  },
  {
    name: '-o . (issue 11) instead of writing a temp file into the parent folder',
    score: OK,
    cwd: 'svc',
    argv: ['generate', '.', '-o', '.'],
    stderr: '.: is a folder; give a file name for the output\n',
  },
];

describe('score-nx generate fails', () => {
  const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

  it.each(FAILURES)('on $name', async ({ argv, stderr, score, folders, cwd }) => {
    const dir = useTempDir();
    if (score !== undefined) {
      mkdirSync(join(dir, 'svc'));
      writeFileSync(join(dir, 'svc', 'score.yaml'), score);
    }
    for (const folder of folders ?? []) mkdirSync(join(dir, folder));
    const before = listing(dir);
    expect(await cli(argv, join(dir, cwd ?? '.'))).toEqual({ code: 1, stdout: '', stderr });
    expect(listing(dir)).toEqual(before);
    if (score !== undefined) expect(readFileSync(join(dir, 'svc', 'score.yaml'), 'utf8')).toBe(score);
  });
});

describe('score-nx: messages never echo control characters raw (issue 11)', () => {
  it('shows an ESC sequence and a CR from a Score file escaped', async () => {
    const dir = service('apiVersion: score.dev/v1b1\nmetadata:\n  name: ok\ncontainers:\n  "\\e[2J\\rX":\n    image: nginx\n');
    const { code, stderr } = await cli(['generate', 'svc'], dir);
    expect(code).toBe(1);
    expect([stderr.includes('\u001b'), stderr.includes('\r')]).toEqual([false, false]);
    expect(stderr).toContain('\\u001B[2J\\u000DX');
  });
});
