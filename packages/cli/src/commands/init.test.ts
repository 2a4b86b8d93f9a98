import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

describe('score-nx init', () => {
  it('writes score.yaml and service-config.yaml for every environment and renders them once', async () => {
    const w = (ws = tempWorkspace());
    const r = await w.cli(['init', 'services/billing', '--namespace', 'team-b', '--image', 'r.example.com/billing:1.2.3']);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr.split('\n')).toEqual([
      'created services/billing/score.yaml',
      'created services/billing/service-config.yaml',
      'rendered billing (dev, library workspace): 1 objects in namespace team-b',
      'rendered billing (preview, library workspace): 1 objects in namespace team-b-pr-1',
      'rendered billing (prod, library workspace): 1 objects in namespace team-b',
      'rendered billing (staging, library workspace): 1 objects in namespace team-b',
      '',
    ]);
    expect(readFileSync(join(w.root, 'services/billing/score.yaml'), 'utf8')).toBe(`# yaml-language-server: $schema=../../.score.schema.json
# (write that schema with: npx score-nx schema -o .score.schema.json)
apiVersion: score.dev/v1b1
metadata:
  name: billing
  engineNamespace: team-b
  # The owning team, for the developer portal (score-nx catalog).
  owner: team-b
containers:
  main:
    # The image of each environment is in service-config.yaml.
    image: "."
`);
    expect(readFileSync(join(w.root, 'services/billing/service-config.yaml'), 'utf8')).toContain('  staging:\n    images:\n      main: r.example.com/billing:1.2.3\n');
    const again = await w.cli(['init', 'services/billing']);
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'services/billing/score.yaml already exists\n' });
  });

  it('refuses an unknown resource type, suggesting the close one, and a bad name, writing nothing', async () => {
    const w = (ws = tempWorkspace());
    const typo = await w.cli(['init', 'services/billing', '--resources', 'confgmap']);
    expect(typo).toEqual({ code: 1, stdout: '', stderr: "unknown resource type 'confgmap' (did you mean 'configmap'?) (the library provides: configmap)\n" });
    const bad = await w.cli(['init', 'services/Billing']);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: "invalid service name 'Billing': use lower-case letters, digits and '-' (a DNS label, at most 63 characters)\n" });
    expect(existsSync(join(w.root, 'services'))).toBe(false);
  });

  it('removes what it wrote when the new service does not render (a resource that needs params)', async () => {
    const w = (ws = tempWorkspace());
    const r = await w.cli(['init', 'services/billing', '--resources', 'configmap']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: "the new service does not render, nothing was written: services/billing/score.yaml:14:3: resources.configmap.params.configData: missing required param (provisioner 'configmap')\n",
    });
    expect(existsSync(join(w.root, 'services/billing'))).toBe(false);
  });
});
