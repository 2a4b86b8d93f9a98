import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePluginBuilt } from './test-support/build';
import { runNx } from './test-support/nx';
import { nxGitWorkspace, type NxGitWorkspace } from './test-support/nx-workspace';
import { sampleWorkspace, writeFiles } from './test-support/workspace';

/**
 * End to end: a temp git workspace with its node_modules linked to this repository's, running the real nx binary
 * (no daemon, no cloud) on the compiled plugin (packages/nx-plugin/dist, built by `npm ci` → prepare, or here).
 */
const repoRoot = resolve(__dirname, '../../..');
let root = '';
let dispose = () => {};

// Batch mode and the task cache as configured (the defaults), whatever the calling shell sets.
const nx = (args: string[], env: Record<string, string> = {}) => runNx(repoRoot, root, args, { NX_SKIP_NX_CACHE: '', NX_BATCH_MODE: '', ...env });
const ok = (args: string[], env?: Record<string, string>) => {
  const r = nx(args, env);
  if (r.code !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.code}):\n${r.out}`);
  return r.out;
};
let commit: NxGitWorkspace['commit'] = () => {};
const lastLine = (out: string) => out.trim().split('\n').pop()!;
const affected = () => (JSON.parse(lastLine(ok(['show', 'projects', '--affected', '--base=HEAD', '--json']))) as string[]).sort();
const CACHED = /\[(local cache|existing outputs match the cache, left as is)\]/g;
const HIT = /\[(local cache|existing outputs match the cache, left as is)\]/;
const manifests = (env: string, svc: string) => join(root, 'dist/manifests', env, svc, 'manifests.yaml');

describe('nx plugin end to end (real nx binary)', { timeout: 120_000 }, () => {
  beforeAll(() => {
    ensurePluginBuilt(repoRoot);
    ({ root, dispose, commit } = nxGitWorkspace(repoRoot, 'e2e', sampleWorkspace()));
  }, 60_000);
  afterAll(() => dispose());

  it('infers the projects and targets, and the call graph', () => {
    // This one call loads the plugin the default way (an isolated plugin worker); the others load it in-process (faster).
    const project = JSON.parse(lastLine(ok(['show', 'project', 'alpha', '--json'], { NX_ISOLATE_PLUGINS: 'true' }))) as {
      tags: string[];
      targets: Record<string, { configurations?: Record<string, unknown> }>;
    };
    expect(Object.keys(project.targets).sort()).toEqual(['generate', 'score-inputs', 'validate']);
    expect(Object.keys(project.targets['generate']!.configurations!).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(project.tags).toEqual(['type:score-service', 'namespace:payments', 'system:checkout']);
    ok(['graph', '--file=graph.json']);
    const deps = (JSON.parse(readFileSync(join(root, 'graph.json'), 'utf8')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } }).graph.dependencies;
    expect(deps['alpha']!.map((d) => d.target)).toEqual(['beta']);
    expect(deps['beta']).toEqual([]);
    rmSync(join(root, 'graph.json'));
  });

  it('renders every environment, then hits the cache; restoring one environment keeps the others', () => {
    const first = ok(['run-many', '-t', 'generate']);
    expect(first).toContain('Running 3 tasks with @score-nx/nx-plugin:generate'); // batch mode by default (preferBatch)
    expect(first).toContain('Successfully ran target generate for 3 projects');
    for (const [env, svc] of [['dev', 'alpha'], ['staging', 'alpha'], ['prod', 'alpha'], ['prod', 'gamma'], ['dev', 'beta']] as const) expect(existsSync(manifests(env, svc))).toBe(true);
    expect(existsSync(manifests('dev', 'gamma'))).toBe(false);
    expect(ok(['run-many', '-t', 'generate']).match(CACHED)).toHaveLength(3);

    ok(['run', 'beta:preview', '--pr=7']);
    ok(['run-many', '-t', 'generate', '-c', 'prod']);
    rmSync(join(root, 'dist'), { recursive: true });
    expect(ok(['run-many', '-t', 'generate']).match(CACHED)).toHaveLength(3);
    expect(ok(['run', 'alpha:generate:prod'])).toMatch(HIT);
    expect(existsSync(manifests('dev', 'alpha'))).toBe(true); // restoring prod kept dev
    expect(ok(['run', 'beta:preview', '--pr=7'])).toMatch(HIT);
    expect(ok(['run', 'beta:generate'])).toMatch(HIT);
    expect(existsSync(join(root, 'dist/manifests/preview/pr-7/beta/manifests.yaml'))).toBe(true); // restoring every env kept the preview
  });

  it('a workspace library edit affects the services using it and leaves pinned renders cached', () => {
    writeFiles(root, { 'provisioners/config/outputs.yaml.njk': 'name: {{ dnsLabel(workload.name, resource.name, "v2") }}\n' });
    expect(affected()).toEqual(['alpha', 'beta']); // gamma deploys to prod only, which pins 1.0.0
    expect(ok(['run-many', '-t', 'generate', '-c', 'prod']).match(CACHED)).toHaveLength(3);
    expect(ok(['run', 'alpha:generate:dev'])).not.toMatch(HIT);
    commit('edit library');
  });

  it('marks only the edited service as affected', () => {
    writeFiles(root, { 'services/alpha/message.txt': 'changed\n' });
    expect(affected()).toEqual(['alpha']);
    commit('edit alpha');
  });

  it('fails on an unknown configuration', () => {
    const r = nx(['run', 'alpha:generate:prd']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("unknown configuration 'prd'");
  });

  it('one broken score.yaml fails only its own project, with the positioned message', () => {
    const file = join(root, 'services/beta/score.yaml');
    const original = readFileSync(file, 'utf8');
    appendFileSync(file, 'oops: [\n');
    try {
      const lines = original.split('\n').length;
      const r = nx(['run-many', '-t', 'generate', '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.out).not.toContain('Failed to process project graph');
      expect(r.out).toMatch(new RegExp(`services/beta/score\\.yaml:${lines + 1}:1: invalid YAML`));
      expect(r.out).toMatch(/Failed tasks:\s+- beta:generate\s/);
      expect(r.out).toContain('alpha (dev, provisioners workspace)');
      expect(r.out).toContain('gamma (prod, provisioners 1.0.0)');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('validates against the workspace schemas/ by default; pulling schemas invalidates validate', () => {
    cpSync(join(repoRoot, 'schemas'), join(root, 'schemas'), { recursive: true });
    const first = ok(['run-many', '-t', 'validate']);
    expect(first).toContain('alpha (dev, Kubernetes 1.33.0): 4 valid');
    expect(first).toContain('Successfully ran target validate for 3 projects');
    const validateHit = /nx run alpha:validate:dev\s+\[(local cache|existing outputs match the cache, left as is)\]/;
    expect(ok(['run', 'alpha:validate:dev'])).not.toMatch(validateHit);
    expect(ok(['run', 'alpha:validate:dev'])).toMatch(validateHit);
    // A changed schema file is an input of every validate task that reads it.
    appendFileSync(join(root, 'schemas/kubernetes/v1.33.0/_definitions.json'), '\n');
    expect(ok(['run', 'alpha:validate:dev'])).not.toMatch(validateHit);
    rmSync(join(root, 'schemas'), { recursive: true });
    const missing = nx(['run', 'alpha:validate:dev', '--skip-nx-cache']);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain("schemas were looked up in: schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json, schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json (Kubernetes 1.33.0); run 'npx score-nx schemas pull'");
  });

  it("validate's cache follows its renders: a changed render or environment runs it again; alone, it keys on the files on disk", () => {
    cpSync(join(repoRoot, 'schemas'), join(root, 'schemas'), { recursive: true });
    const hit = /nx run alpha:validate:dev\s+\[(local cache|existing outputs match the cache, left as is)\]/;
    ok(['run', 'alpha:validate:dev']);
    expect(ok(['run', 'alpha:validate:dev'])).toMatch(hit);
    // A changed render (message.txt is in alpha's ConfigMap) is a changed generate hash, which validate's key holds.
    const message = join(root, 'services/alpha/message.txt');
    const original = readFileSync(message, 'utf8');
    writeFileSync(message, 'a changed render\n');
    const changed = ok(['run', 'alpha:validate:dev']);
    expect(changed).not.toMatch(hit);
    expect(changed).toContain('alpha (dev, Kubernetes 1.33.0): 4 valid');
    expect(readFileSync(manifests('dev', 'alpha'), 'utf8')).toContain('a changed render');
    writeFileSync(message, original);
    expect(ok(['run', 'alpha:validate:dev'])).toMatch(hit);
    // A changed environment definition.
    const dev = join(root, 'environments/dev.yaml');
    const devYaml = readFileSync(dev, 'utf8');
    writeFileSync(dev, devYaml.replace('domain: example.com', 'domain: example.org'));
    expect(ok(['run', 'alpha:validate:dev'])).not.toMatch(hit);
    writeFileSync(dev, devYaml);
    expect(ok(['run', 'alpha:validate:dev'])).toMatch(hit);
    // Without its generate task, validate checks what is on disk, so an edited render is a cache miss ...
    const render = readFileSync(manifests('dev', 'alpha'), 'utf8');
    appendFileSync(manifests('dev', 'alpha'), '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand-edited\ndata:\n  a: 1\n');
    const alone = nx(['run', 'alpha:validate:dev', '--excludeTaskDependencies']);
    expect(alone.code).not.toBe(0);
    expect(alone.out).toMatch(/dist\/manifests\/dev\/alpha\/manifests\.yaml: ConfigMap hand-edited is invalid/);
    // ... and with it, generate restores the render from its cache and validate's key is the cached one again.
    expect(ok(['run', 'alpha:validate:dev'])).toMatch(hit);
    expect(readFileSync(manifests('dev', 'alpha'), 'utf8')).toBe(render);
    rmSync(join(root, 'schemas'), { recursive: true });
  });

  it('renders without batch mode too (one process per task)', () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const out = ok(['run-many', '-t', 'generate', '-p', 'alpha,gamma', '--skip-nx-cache'], { NX_BATCH_MODE: 'false' });
    expect(out).not.toContain('tasks with @score-nx/nx-plugin:generate');
    expect(out).toContain('Successfully ran target generate for 2 projects');
    expect(existsSync(manifests('staging', 'alpha'))).toBe(true);
  });
});
