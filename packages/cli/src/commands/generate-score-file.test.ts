// `score-nx generate <folder>/<file>.yaml` renders that Score file, not the folder's score.yaml (issue 13), and a
// Score file that sets no platform metadata renders with the library's defaults (the namespace is the name).
import { parseAllDocuments } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreFile, serviceConfig, tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

/** A Score file with nothing but Score: no platform metadata. */
const PLAIN_AI = `apiVersion: score.dev/v1b1
metadata:
  name: product-ai
containers:
  main:
    image: "."
`;

function kindsAndNamespaces(yaml: string): string[] {
  return parseAllDocuments(yaml).map((d) => {
    const o = d.toJS() as { kind: string; metadata: { name: string; namespace?: string } };
    return `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  });
}

describe('score-nx generate <file>', () => {
  it('renders the Score file it is given, and the folder renders its score.yaml', async () => {
    ws = tempWorkspace({ 'svc/score.yaml': scoreFile('product'), 'svc/score-ai.yaml': PLAIN_AI, 'svc/service-config.yaml': serviceConfig('registry.example.com/p:1') });
    const file = await ws.cli(['generate', 'svc/score-ai.yaml', '--env', 'dev']);
    expect(file.stderr).toBe('product-ai (dev, library workspace): 1 objects in namespace product-ai\n');
    expect(file.code).toBe(0);
    // the namespace is the library's default for a Score file without engineNamespace: the workload's name
    expect(kindsAndNamespaces(file.stdout)).toEqual(['Deployment/product-ai/product-ai']);
    expect(file.stdout).toContain('platform.example.com/namespace: product-ai');

    const folder = await ws.cli(['generate', 'svc', '--env', 'dev']);
    expect(folder.code).toBe(0);
    expect(kindsAndNamespaces(folder.stdout)).toEqual(['Service/team-a/product', 'Deployment/team-a/product']);
    const same = await ws.cli(['generate', 'svc/score.yaml', '--env', 'dev']);
    expect(same).toEqual(folder);
  });

  it('names the given file in its errors', async () => {
    ws = tempWorkspace({ 'svc/score.yaml': scoreFile('product'), 'svc/score-ai.yaml': `${PLAIN_AI}    replicas: 2\n`, 'svc/service-config.yaml': serviceConfig('registry.example.com/p:1') });
    const r = await ws.cli(['generate', 'svc/score-ai.yaml', '--env', 'dev']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^svc\/score-ai\.yaml:7:5: containers\.main\.replicas: /);
    const missing = await ws.cli(['generate', 'svc/other.yaml', '--env', 'dev']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'svc/other.yaml: no such file or folder\n' });
  });
});
