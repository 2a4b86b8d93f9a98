import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutRelease } from '@score-nx/engine';
import { ensurePluginBuilt } from '../../test-support/build';
import { runNx } from '../../test-support/nx';

/**
 * End to end with the real nx binary: a temp git workspace with this repository's environments, provisioner library
 * and schemas (prod pins release 1.1.0, cut here), and the Done-when of the scaffolding: the generated service
 * renders and validates in every environment with no edit.
 */
const repoRoot = resolve(__dirname, '../../../../..');
const cliBin = join(repoRoot, 'packages/cli/bin/score-nx.js');
let root = '';

const nx = (args: string[]) => runNx(repoRoot, root, args);
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'pipe' }).toString();

describe('nx g @score-nx/nx-plugin:service (real nx binary)', { timeout: 180_000 }, () => {
  beforeAll(() => {
    ensurePluginBuilt(repoRoot);
    root = mkdtempSync(join(tmpdir(), 'score-nx-generator-'));
    for (const dir of ['environments', 'provisioners', 'schemas']) {
      cpSync(join(repoRoot, dir), join(root, dir), { recursive: true, filter: (s) => !s.endsWith('.test.ts') && !s.includes('__golden__') && !s.includes('test-support') });
    }
    writeFileSync(join(root, 'package.json'), '{ "name": "generator-e2e", "private": true }\n');
    writeFileSync(join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, analytics: false, plugins: [{ plugin: '@score-nx/nx-plugin', options: { strict: true } }] }, null, 2));
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    // The copied environments/prod.yaml pins the repository's current release: cut that version here.
    cutRelease(root, '1.1.0');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('--dry-run lists the files and writes nothing', () => {
    const r = nx(['g', '@score-nx/nx-plugin:service', 'payments-api', '--resources', 'postgres,redis', '--dry-run', '--no-interactive']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CREATE services/payments-api/score.yaml');
    expect(r.out).toContain('CREATE services/payments-api/service-config.yaml');
    expect(r.out).not.toContain('rendered');
    expect(existsSync(join(root, 'services/payments-api'))).toBe(false);
  });

  it('refuses an unknown resource type with a suggestion, writing nothing', () => {
    const r = nx(['g', '@score-nx/nx-plugin:service', 'payments-api', '--resources', 'postgress', '--no-interactive']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("unknown resource type 'postgress' (did you mean 'postgres'?)");
    expect(existsSync(join(root, 'services/payments-api'))).toBe(false);
  });

  it('creates a service that renders and validates in every environment', () => {
    const created = nx(['g', '@score-nx/nx-plugin:service', 'payments-api', '--resources', 'postgres,redis', '--namespace', 'payments', '--no-interactive']);
    expect(created.code).toBe(0);
    for (const line of ['dev, library workspace', 'preview, library workspace', 'prod, library 1.1.0', 'staging, library workspace']) expect(created.out).toContain(`rendered payments-api (${line}): 7 objects`);
    const score = readFileSync(join(root, 'services/payments-api/score.yaml'), 'utf8');
    expect(score.split('\n')[0]).toBe('# yaml-language-server: $schema=../../.score.schema.json');
    expect(score).toContain('  postgres:\n    type: postgres\n');
    expect(score).toContain('  redis:\n    type: redis\n');
    expect(readFileSync(join(root, 'services/payments-api/service-config.yaml'), 'utf8')).toContain('  prod:\n    images:\n      main: registry.example.com/payments-api:0.1.0\n');

    const run = nx(['run-many', '-t', 'generate', 'validate', '-p', 'payments-api']);
    expect(run.code, run.out).toBe(0);
    for (const line of ['dev, Kubernetes 1.33.0', 'staging, Kubernetes', 'prod, Kubernetes']) expect(run.out).toMatch(new RegExp(`payments-api \\(${line}[^)]*\\): 7 valid`));
    const preview = nx(['run', 'payments-api:preview', '--pr=5']);
    expect(preview.code, preview.out).toBe(0);
    const manifests = join(root, 'dist/manifests/preview/pr-5/payments-api/manifests.yaml');
    const validated = spawnSync(process.execPath, [cliBin, 'validate', '--env', 'preview', '-summary', manifests], { cwd: root, encoding: 'utf8' });
    expect([validated.status, validated.stdout.trim()]).toEqual([0, `Summary: 7 resources found in 1 file - Valid: 7, Invalid: 0, Errors: 0, Skipped: 0`]);
  });
});
