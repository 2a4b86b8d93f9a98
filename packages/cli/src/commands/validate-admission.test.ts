// `score-nx validate` end to end with the admission checks (issue 16, Done when): the -admission extension flag
// fails what the API server would reject (CRD CEL rules, native validation) with the rule's message and the field;
// without it, kubeconform semantics say valid. Preview renders (--env preview --pr N) are checked the same way.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkRender, loadPolicyFolder, renderObjects } from '@score-nx/admission';
import { run } from '../main';
import { REPO_ROOT, tempWorkspace } from '../test-support/workspace';

const dir = mkdtempSync(join(tmpdir(), 'score-nx-validate-admission-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], cwd = dir) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, env: {} });
  return { code, stdout, stderr };
}

// Fixture schemas carrying the two rules of the Done when, worded as in the Istio and Gateway API CRDs; every
// other kind validates against an open object schema, so native validation runs on it.
const rule = (r: string, message: string) => ({ 'x-kubernetes-validations': [{ rule: r, message }] });
const fixtures: Record<string, unknown> = {
  'networking.istio.io/virtualservice_v1.json': {
    type: 'object',
    properties: { spec: { type: 'object', properties: { hosts: { type: 'array' }, http: { type: 'array', items: { type: 'object', properties: { timeout: { type: 'string', ...rule("duration(self) >= duration('1ms')", 'must be a valid duration greater than 1ms') } } } } } } },
  },
  'gateway.networking.k8s.io/httproute_v1.json': {
    type: 'object',
    properties: { spec: { type: 'object', properties: { rules: { type: 'array', items: { type: 'object', properties: { filters: { type: 'array', items: { type: 'object' }, ...rule("self.filter(f, f.type == 'URLRewrite').size() <= 1", 'URLRewrite filter cannot be repeated') } } } } } } },
  },
};
for (const [rel, schema] of Object.entries(fixtures)) {
  const path = join(dir, 'schemas', rel);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(schema));
}
writeFileSync(join(dir, 'schemas/open.json'), JSON.stringify({ type: 'object' }));
const FIXTURE_LOCATIONS = ['-schema-location', 'schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json', '-schema-location', 'schemas/open.json'];

const virtualService = (timeout: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: shop}\nspec:\n  hosts: [web]\n  http:\n    - timeout: ${timeout}\n      route: [{destination: {host: web}}]\n`;
const httpRoute = (filters: number) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: web, namespace: shop}\nspec:\n  rules:\n    - filters:\n${Array.from({ length: filters }, (_, i) => `        - {type: URLRewrite, urlRewrite: {hostname: h${i}.example.com}}\n`).join('')}`;
const deployment = (templateApp: string, portName: string) =>
  [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}', 'spec:', '  selector: {matchLabels: {app: web}}', '  template:',
    `    metadata: {labels: {app: ${templateApp}}}`, '    spec:', '      containers:', '        - name: web', '          image: web:1.0.0',
    `          ports: [{name: ${portName}, containerPort: 8080}]`, '',
  ].join('\n');

async function validate(name: string, text: string, flags: string[]) {
  writeFileSync(join(dir, name), text);
  return cli(['validate', ...flags, ...FIXTURE_LOCATIONS, name]);
}

describe('score-nx validate -admission (fixture schemas)', () => {
  it('fails a VirtualService timeout of 500us with the rule message; kubeconform mode says valid', async () => {
    expect(await validate('vs.yaml', virtualService('500us'), ['-admission'])).toEqual({
      code: 1,
      stdout: 'vs.yaml - VirtualService web is invalid: [cel] /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms\n',
      stderr: '',
    });
    expect(await validate('vs.yaml', virtualService('500us'), ['-summary'])).toMatchObject({ code: 0, stdout: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n' });
    expect((await validate('vs.yaml', virtualService('1ms'), ['-admission'])).code).toBe(0);
  });

  it('fails an HTTPRoute with two URLRewrite filters with the rule message; kubeconform mode says valid', async () => {
    expect(await validate('route.yaml', httpRoute(2), ['-admission'])).toEqual({
      code: 1,
      stdout: 'route.yaml - HTTPRoute web is invalid: [cel] /spec/rules/0/filters: Invalid value: URLRewrite filter cannot be repeated\n',
      stderr: '',
    });
    expect((await validate('route.yaml', httpRoute(2), [])).code).toBe(0);
    expect((await validate('route.yaml', httpRoute(1), ['-admission'])).code).toBe(0);
  });

  it('names the field of a selector that does not match the template and of a 16-character container port name', async () => {
    const r = await validate('deploy.yaml', deployment('other', 'http-metrics-abc'), ['-admission', '-output', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).resources[0].validationErrors).toEqual([
      { source: 'native', rule: 'ValidateDeploymentSpec', path: '/spec/template/metadata/labels', msg: 'spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`' },
      { source: 'native', rule: 'validateContainerPorts', path: '/spec/template/spec/containers/0/ports/0/name', msg: 'spec.template.spec.containers[0].ports[0].name: Invalid value: "http-metrics-abc": must be no more than 15 characters' },
    ]);
    expect((await validate('deploy.yaml', deployment('other', 'http-metrics-abc'), [])).code).toBe(0);
    expect((await validate('deploy.yaml', deployment('web', 'http-metrics'), ['-admission'])).code).toBe(0);
  });

  it('reports schema and admission findings of one object once each, with their source, in json and junit', async () => {
    // A schema error (hosts is not a list) and a CEL one on the same object, a native one on the next.
    const text = `${virtualService('500us').replace('hosts: [web]', 'hosts: web')}---\n${deployment('other', 'http')}`;
    const json = await validate('mixed.yaml', text, ['-admission', '-output', 'json']);
    const sources = (JSON.parse(json.stdout).resources as { kind: string; validationErrors?: { source?: string; path: string }[] }[]).map((r) => [r.kind, (r.validationErrors ?? []).map((e) => `${e.source ?? 'schema'} ${e.path}`)]);
    expect(sources).toEqual([
      ['VirtualService', ['schema /spec/hosts', 'cel /spec/http/0/timeout']],
      ['Deployment', ['native /spec/template/metadata/labels']],
    ]);
    const junit = await validate('mixed.yaml', text, ['-admission', '-output', 'junit']);
    expect(junit.stdout.match(/\[native\] \/spec\/template\/metadata\/labels/g)).toHaveLength(1);
    expect(junit.stdout.match(/\[cel\] \/spec\/http\/0\/timeout/g)).toHaveLength(1);
  });
});

describe('score-nx validate -admission on a preview render', () => {
  const ws = tempWorkspace({
    'services/web/score.yaml': [
      'apiVersion: score.dev/v1b1', 'metadata:', '  name: web', '  engineNamespace: team-a', 'containers:', '  main:', '    image: registry.example.com/web:1.0.0',
      '    resources:', '      requests: {cpu: "2", memory: 64Mi}', '      limits: {cpu: "1", memory: 64Mi}', 'service:', '  ports:', '    http:', '      port: 8080', '',
    ].join('\n'),
    'schemas/open.json': JSON.stringify({ type: 'object' }),
  });
  afterAll(() => ws.cleanup());

  it('fails a request above its limit (ValidateResourceRequirements) in the pr-42 render; kubeconform mode says valid', async () => {
    const rendered = await ws.cli(['generate', 'services/web', '--env', 'preview', '--pr', '42', '-q', '-o', 'preview-42.yaml']);
    expect(rendered).toMatchObject({ code: 0 });
    expect(readFileSync(join(ws.root, 'preview-42.yaml'), 'utf8')).toContain('namespace: team-a-pr-42');
    expect(await ws.cli(['validate', '-admission', '-schema-location', 'schemas/open.json', 'preview-42.yaml'])).toEqual({
      code: 1,
      stdout: 'preview-42.yaml - Deployment web is invalid: [native] /spec/template/spec/containers/0/resources/requests/cpu: spec.template.spec.containers[0].resources.requests.cpu: Invalid value: "2": must be less than or equal to cpu limit of 1\n',
      stderr: '',
    });
    expect((await ws.cli(['validate', '-schema-location', 'schemas/open.json', 'preview-42.yaml'])).code).toBe(0);
  });
});

// With the real schemas (../shared beside the checkout, or $SCORE_NX_SHARED): the Done-when objects against the
// shipped CRDs, and every example service in every environment (preview as PR 42) passing all the checks with the
// shipped policies/.
const SHARED = resolve(process.env.SCORE_NX_SHARED ?? resolve(REPO_ROOT, '../shared'));
const SHARED_LOCATIONS = [
  '-schema-location', join(SHARED, 'schemas/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json'),
  '-schema-location', join(SHARED, 'schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
];
describe.skipIf(!existsSync(join(SHARED, 'schemas/crds')))(`score-nx validate -admission with the shared schemas (needs ${join(SHARED, 'schemas')})`, () => {
  it('fails the Done-when VirtualService and HTTPRoute with the CRDs rule messages; kubeconform mode says valid', async () => {
    const text = `${virtualService('500us')}---\n${httpRoute(2)}`;
    writeFileSync(join(dir, 'real.yaml'), text);
    const on = await cli(['validate', '-admission', '-kubernetes-version', '1.33.0', ...SHARED_LOCATIONS, 'real.yaml']);
    expect(on.code).toBe(1);
    expect(on.stdout).toContain('real.yaml - VirtualService web is invalid: [cel] /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms');
    expect(on.stdout).toContain('real.yaml - HTTPRoute web is invalid: [cel] /spec/rules/0/filters: Invalid value: URLRewrite filter cannot be repeated');
    expect(await cli(['validate', '-summary', '-kubernetes-version', '1.33.0', ...SHARED_LOCATIONS, 'real.yaml'])).toMatchObject({
      code: 0,
      stdout: 'Summary: 2 resources found in 1 file - Valid: 2, Invalid: 0, Errors: 0, Skipped: 0\n',
    });
  });

  const services = readdirSync(join(REPO_ROOT, 'services')).filter((s) => existsSync(join(REPO_ROOT, 'services', s, 'score.yaml'))).sort();
  const environments = readdirSync(join(REPO_ROOT, 'environments')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  const policies = loadPolicyFolder(REPO_ROOT);
  it.each(services.flatMap((s) => environments.map((e) => [s, e] as const)))('%s in %s passes schema, CEL, native, reference and policy checks', async (service, env) => {
    const { kubernetesVersion, preview } = parse(readFileSync(join(REPO_ROOT, 'environments', `${env}.yaml`), 'utf8')) as { kubernetesVersion: string; preview?: boolean };
    const out = join(dir, `${service}.${env}.yaml`);
    const rendered = await cli(['generate', `services/${service}`, '--env', env, ...(preview ? ['--pr', '42'] : []), '-q', '-o', out], REPO_ROOT);
    if (rendered.code !== 0 && /does not deploy to/.test(rendered.stderr)) return; // a service that skips this environment
    expect(rendered).toMatchObject({ code: 0 });
    const validated = await cli(['validate', '-admission', '-strict', '-kubernetes-version', kubernetesVersion, ...SHARED_LOCATIONS, out], REPO_ROOT);
    expect(validated).toEqual({ code: 0, stdout: '', stderr: '' });
    const findings = checkRender(renderObjects(out, readFileSync(out, 'utf8')), policies, env).filter((f) => !f.warn);
    expect(findings).toEqual([]);
  }, 60_000);
});
