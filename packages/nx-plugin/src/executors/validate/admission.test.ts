// validate with the admission checks on (the default) and off, on a small workspace with fixture schemas.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorContext } from '@nx/devkit';
import { runValidate } from './executor';

const root = mkdtempSync(join(tmpdir(), 'validate-admission-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const write = (rel: string, text: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};
write('schemas/networking.istio.io/virtualservice_v1.json', JSON.stringify({
  type: 'object',
  properties: { spec: { type: 'object', properties: { http: { type: 'array', items: { type: 'object', properties: { timeout: { type: 'string', 'x-kubernetes-validations': [{ message: 'must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" }] } } } } } } },
}));
write('schemas/service_v1.json', JSON.stringify({ type: 'object' }));
write('schemas/apps/deployment_v1.json', JSON.stringify({ type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } }));
const deployment = (replicas: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: other}}\n    spec:\n      containers: [{name: web, image: 'web:1.0.0'}]\n`;
const vs = (timeout: string, host = 'web') => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: shop}\nspec:\n  http:\n    - timeout: ${timeout}\n      route: [{destination: {host: ${host}}}]\n`;
const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{name: http, port: 80}]}\n';

const context = { root, projectName: 'web', targetName: 'validate', projectsConfigurations: { version: 2, projects: { web: { root: 'services/web' } } }, nxJsonConfiguration: {}, cwd: root, isVerbose: false } as unknown as ExecutorContext;
async function validate(render: string, admission?: boolean) {
  write('dist/manifests/dev/web/manifests.yaml', render);
  const options = { environment: 'dev', environments: ['dev'], kubernetesVersions: { dev: '1.33.0' }, schemaLocations: ['schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json', 'schemas/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'], ...(admission === undefined ? {} : { admission }) };
  return runValidate(options, { project: 'web', target: 'validate', configuration: undefined }, context, new Map());
}

describe('validate: admission checks', () => {
  it('fails a 500us Istio timeout with the rule message, by default', async () => {
    expect(await validate(`${vs('500us')}---\n${svc}`)).toEqual({
      success: false,
      lines: [
        'dist/manifests/dev/web/manifests.yaml: VirtualService web is invalid:',
        '  [cel] /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms',
        'web (dev, Kubernetes 1.33.0): 1 invalid, 1 valid',
      ],
    });
  });
  it('says valid with admission: false (kubeconform semantics)', async () => {
    expect(await validate(`${vs('500us')}---\n${svc}`, false)).toEqual({ success: true, lines: ['web (dev, Kubernetes 1.33.0): 2 valid'] });
  });
  it('reports a dangling reference once, naming both objects', async () => {
    expect(await validate(`${vs('2s', 'api')}---\n${svc}`)).toEqual({
      success: false,
      lines: [
        'dist/manifests/dev/web/manifests.yaml: VirtualService web: [reference] /spec/http/0/route/0/destination/host: VirtualService shop/web references Service shop/api, which is neither in the render nor provided by the platform',
        'web (dev, Kubernetes 1.33.0): 1 admission findings, 2 valid',
      ],
    });
  });
  it('reports a schema error and a native finding of one object once each, with their source', async () => {
    const outcome = await validate(`${deployment('two')}---\n${svc.replace('ports:', 'selector: {app: other}, ports:')}`);
    expect(outcome.success).toBe(false);
    expect(outcome.lines.slice(0, 3)).toEqual([
      'dist/manifests/dev/web/manifests.yaml: Deployment web is invalid:',
      expect.stringMatching(/^ {2}\[schema\] \/spec\/replicas: /),
      '  [native] /spec/template/metadata/labels: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`',
    ]);
    expect(outcome.lines.filter((l) => l.includes('does not match template'))).toHaveLength(1);
    expect(outcome.lines.at(-1)).toBe('web (dev, Kubernetes 1.33.0): 1 invalid, 1 valid');
  });
  it('passes a valid render', async () => {
    expect(await validate(`${vs('2s')}---\n${svc}`)).toEqual({ success: true, lines: ['web (dev, Kubernetes 1.33.0): 2 valid'] });
  });
});

describe('validate: a policies/ file that does not parse', () => {
  it('fails the task with the file, line and column, and no stack trace', async () => {
    // A workspace of its own: the policy folder is read once per process and workspace.
    const other = mkdtempSync(join(tmpdir(), 'validate-policies-'));
    try {
      mkdirSync(join(other, 'policies'));
      writeFileSync(join(other, 'policies/broken.yaml'), 'kind: ValidatingAdmissionPolicy\nspec: [\n');
      mkdirSync(join(other, 'dist/manifests/dev/web'), { recursive: true });
      writeFileSync(join(other, 'dist/manifests/dev/web/manifests.yaml'), svc);
      const options = { environment: 'dev', environments: ['dev'], kubernetesVersions: { dev: '1.33.0' }, schemaLocations: [join(root, 'schemas/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json')] };
      const outcome = await runValidate(options, { project: 'web', target: 'validate', configuration: undefined }, { ...context, root: other, cwd: other }, new Map());
      expect(outcome.success).toBe(false);
      expect(outcome.lines).toHaveLength(1);
      expect(outcome.lines[0]).toMatch(/^policies\/broken\.yaml:3:1: /);
      expect(outcome.lines[0]).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
