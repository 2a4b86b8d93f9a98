// The -admission extension flag of our kubeconform CLI: off, kubeconform-compatible results; on, the CEL rules.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKubeconformCli } from '@score-nx/kubeconform';

const dir = mkdtempSync(join(tmpdir(), 'admission-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'schemas/networking.istio.io'), { recursive: true });
const timeout = { type: 'string', 'x-kubernetes-validations': [{ message: 'must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" }] };
writeFileSync(
  join(dir, 'schemas/networking.istio.io/virtualservice_v1.json'),
  JSON.stringify({
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: { http: { type: 'array', items: { type: 'object', properties: { timeout } } } } },
    },
  }),
);
mkdirSync(join(dir, 'schemas/apps'), { recursive: true });
writeFileSync(join(dir, 'schemas/apps/deployment_v1.json'), JSON.stringify({ type: 'object' }));
const manifest = (t: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  http:\n    - timeout: ${t}\n`;

async function run(args: string[], t: string, text = manifest(t)) {
  writeFileSync(join(dir, 'vs.yaml'), text);
  let stdout = '';
  const io = { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stdout += s) }, cwd: dir };
  const code = await runKubeconformCli([...args, '-schema-location', 'schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json', 'vs.yaml'], io);
  return { code, stdout };
}

describe('kubeconform -admission', () => {
  it('without the flag, a 500us timeout is valid (kubeconform semantics)', async () => {
    expect(await run(['-summary'], '500us')).toEqual({ code: 0, stdout: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n' });
  });
  it('with the flag, it is invalid with the rule message and path', async () => {
    expect(await run(['-admission'], '500us')).toEqual({ code: 1, stdout: 'vs.yaml - VirtualService web is invalid: [cel] /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms\n' });
  });
  it('carries the source in json output', async () => {
    const r = await run(['-admission', '-output', 'json'], '500us');
    expect(JSON.parse(r.stdout).resources[0].validationErrors).toEqual([
      { source: 'cel', path: '/spec/http/0/timeout', msg: 'Invalid value: must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" },
    ]);
  });
  it('with the flag, a 2s timeout stays valid', async () => {
    expect((await run(['-admission'], '2s')).code).toBe(0);
  });
  it('with the flag, native validation names the field of a selector mismatch and a 16-character port name', async () => {
    const deployment = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  selector: {matchLabels: {app: web}}', '  template:',
      '    metadata: {labels: {app: other}}', '    spec:', '      containers:', '        - name: web', '          image: web:1.0.0',
      '          ports: [{name: a-very-long-name, containerPort: 8080}]', '',
    ].join('\n');
    expect((await run([], '', deployment)).code).toBe(0);
    expect(await run(['-admission'], '', deployment)).toEqual({
      code: 1,
      stdout:
        'vs.yaml - Deployment web is invalid: [native] /spec/template/metadata/labels: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`; ' +
        '[native] /spec/template/spec/containers/0/ports/0/name: spec.template.spec.containers[0].ports[0].name: Invalid value: "a-very-long-name": must be no more than 15 characters\n',
    });
  });
  it('junit failures carry the source in their message', async () => {
    const r = await run(['-admission', '-output', 'junit'], '500us');
    expect(r.stdout).toContain('<failure message="[cel] /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms" type=""></failure>');
  });
});
