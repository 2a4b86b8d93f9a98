// One contract over every provisioner folder of the library: a folder with a provisioner.yaml gets these checks by
// existing (see docs/provisioners.md, "Write a provisioner, step by step"). Folder-specific behaviour stays in the
// folder's own test file. Goldens: UPDATE_GOLDENS=1 npx vitest run provisioners/contract.test.ts
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_ENVIRONMENTS, contractChecks, provisionerFolders } from './test-support/contract';
import { WORKSPACE_ROOT } from './test-support/render';

const updateGoldens = process.env['UPDATE_GOLDENS'] === '1';

describe.each(provisionerFolders(WORKSPACE_ROOT))('library contract: %s', (folder) => {
  for (const check of contractChecks(WORKSPACE_ROOT, folder, { updateGoldens })) {
    it.skipIf(check.skip !== undefined)(check.skip ? `${check.name} (skipped: ${check.skip})` : check.name, check.run);
  }
});

describe('library contract: a new folder gets the whole suite without a test of its own', () => {
  const root = mkdtempSync(join(tmpdir(), 'score-nx-contract-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(WORKSPACE_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  cpSync(join(WORKSPACE_ROOT, 'provisioners'), join(root, 'provisioners'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  const greeting = (template: string) => {
    const dir = join(root, 'provisioners', 'greeting');
    mkdirSync(join(dir, '__golden__'), { recursive: true });
    writeFileSync(join(dir, 'provisioner.yaml'), 'type: greeting\ndescription: A ConfigMap with a greeting.\nparams:\n  type: object\n  additionalProperties: false\n  properties:\n    text: {type: string, default: hello}\ntemplates: {manifests: manifests.yaml.njk}\n');
    writeFileSync(join(dir, 'README.md'), '# greeting\n');
    writeFileSync(join(dir, 'manifests.yaml.njk'), template);
    writeFileSync(
      join(dir, '__golden__', 'example.score.yaml'),
      'apiVersion: score.dev/v1b1\nmetadata: {name: shop, engineNamespace: payments, level1System: checkout}\ncontainers:\n  web: {image: "registry.example.com/shop:1.0.0", resources: {requests: {cpu: 200m, memory: 256Mi}}}\nresources:\n  hello:\n    type: greeting\n    params: {text: hi}\n',
    );
  };
  const GOOD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ dnsLabel(workload.name, "greeting") }}\ndata:\n  text: {{ resource.params.text }}\n';

  it('is found, and passes every check once its goldens are written', async () => {
    greeting(GOOD);
    expect(provisionerFolders(root)).toContain('greeting');
    const checks = contractChecks(root, 'greeting');
    expect(checks.filter((c) => c.skip)).toEqual([]);
    // The whole suite, not a part of it: the definition, a golden per environment, names, injections, param errors.
    expect(checks.map((c) => c.name.split(/[:,]/)[0])).toEqual([
      'provisioner.yaml is a valid definition',
      ...CONTRACT_ENVIRONMENTS.map(() => 'example'),
      'name limits',
      'injection',
      'param errors',
    ]);
    for (const c of contractChecks(root, 'greeting', { updateGoldens: true })) if (c.name.includes('golden')) await c.run();
    for (const [env] of CONTRACT_ENVIRONMENTS) expect(existsSync(join(root, 'provisioners/greeting/__golden__', `example.${env}.yaml`))).toBe(true);
    for (const c of checks) await c.run();
  }, 120_000); // every check of a folder in one test: 18 s on an idle machine, far more on a shared one

  it('fails the checks its mistakes break: an invalid name, an unpositioned param and a changed render', async () => {
    const run = (name: string) => contractChecks(root, 'greeting').find((c) => c.name.startsWith(name))!.run();
    greeting(GOOD.replace('dnsLabel(workload.name, "greeting")', 'workload.name ~ "_Greeting" ~ "x".repeat(60)'));
    await expect(run('name limits')).rejects.toThrow(/ConfigMap\/w+x+w_Greetingx+/);
    await expect(run('example: golden')).rejects.toThrow();
    greeting(GOOD);
    writeFileSync(join(root, 'provisioners', 'greeting', 'provisioner.yaml'), 'type: greeting\ndescription: A ConfigMap with a greeting.\nparams: {type: object, properties: {text: {type: string}}}\ntemplates: {manifests: manifests.yaml.njk}\n');
    await expect(run('provisioner.yaml')).rejects.toThrow(/additionalProperties: false/);
    await expect(run('param errors')).rejects.toThrow(/expected the render to fail/);
  });
});
