import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractChecks, provisionerFolders } from '../../../../../provisioners/test-support/contract';
import { ensurePluginBuilt } from '../../test-support/build';
import { runNx } from '../../test-support/nx';

/**
 * End to end with the real nx binary, in a temp copy of the workspace's environments/ and provisioners/: the folder
 * `nx g @score-nx/nx-plugin:provisioner` writes passes the whole library contract suite with no test of its own.
 */
const repoRoot = resolve(__dirname, '../../../../..');
let root = '';

const nx = (args: string[]) => runNx(repoRoot, root, args);

describe('nx g @score-nx/nx-plugin:provisioner (real nx binary)', { timeout: 180_000 }, () => {
  beforeAll(() => {
    ensurePluginBuilt(repoRoot);
    root = mkdtempSync(join(tmpdir(), 'score-nx-provisioner-generator-'));
    for (const dir of ['environments', 'provisioners', 'schemas']) {
      cpSync(join(repoRoot, dir), join(root, dir), { recursive: true, filter: (s) => !s.endsWith('.test.ts') });
    }
    writeFileSync(join(root, 'package.json'), '{ "name": "provisioner-generator-e2e", "private": true }\n');
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, analytics: false }, null, 2));
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('--dry-run lists the definition, template, README, example and goldens, and writes nothing', () => {
    const r = nx(['g', '@score-nx/nx-plugin:provisioner', 'greeting', '--dry-run', '--no-interactive']);
    expect(r.code).toBe(0);
    for (const file of ['provisioner.yaml', 'manifests.yaml.njk', 'README.md', '__golden__/example.score.yaml', '__golden__/example.dev.yaml', '__golden__/example.preview.yaml']) {
      expect(r.out).toContain(`CREATE provisioners/greeting/${file}`);
    }
    expect(existsSync(join(root, 'provisioners/greeting'))).toBe(false);
  });

  it('refuses a type the library already has and an invalid type, writing nothing', () => {
    const taken = nx(['g', '@score-nx/nx-plugin:provisioner', 'redis', '--no-interactive']);
    expect(taken.code).not.toBe(0);
    expect(taken.out).toContain('provisioners/redis already exists');
    const bad = nx(['g', '@score-nx/nx-plugin:provisioner', 'Bad_Type', '--no-interactive']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("Property 'type' does not match the schema. 'Bad_Type' should match the pattern");
    expect(existsSync(join(root, 'provisioners/Bad_Type'))).toBe(false);
  });

  it('writes a folder that passes every check of the library contract as written', async () => {
    const r = nx(['g', '@score-nx/nx-plugin:provisioner', 'greeting', '--description', 'A ConfigMap with a greeting.', '--no-interactive']);
    expect(r.code, r.out).toBe(0);
    expect(provisionerFolders(root)).toContain('greeting');
    expect(readFileSync(join(root, 'provisioners/greeting/provisioner.yaml'), 'utf8')).toContain('description: "A ConfigMap with a greeting."');
    const goldens = readdirSync(join(root, 'provisioners/greeting/__golden__')).sort();
    expect(goldens).toEqual(['example.dev.yaml', 'example.preview.yaml', 'example.prod.yaml', 'example.score.yaml', 'example.staging.yaml']);
    const checks = contractChecks(root, 'greeting');
    expect(checks.filter((c) => c.skip)).toEqual([]);
    expect(checks.length).toBeGreaterThan(5);
    for (const check of checks) await check.run();
    // The same suite fails once the template changes and the goldens do not.
    const template = join(root, 'provisioners/greeting/manifests.yaml.njk');
    writeFileSync(template, readFileSync(template, 'utf8').replace('text: {{ resource.params.text }}', 'text: {{ resource.params.text }}-changed'));
    await expect(checks.find((c) => c.name.includes('golden') && c.name.endsWith(' dev'))!.run()).rejects.toThrow();
  });
});
