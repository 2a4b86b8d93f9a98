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
const manifest = (t: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  http:\n    - timeout: ${t}\n`;

async function run(args: string[], t: string) {
  writeFileSync(join(dir, 'vs.yaml'), manifest(t));
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
    expect(await run(['-admission'], '500us')).toEqual({ code: 1, stdout: 'vs.yaml - VirtualService web is invalid: /spec/http/0/timeout: Invalid value: must be a valid duration greater than 1ms\n' });
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
});
