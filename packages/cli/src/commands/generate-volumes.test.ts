// Volume outputs are decoded strictly (issue 13, point 3): a provisioner's `source` / `claimSpec` that is not a
// Kubernetes VolumeSource / PersistentVolumeClaimSpec stops the render at the volume in score.yaml.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace } from '../test-support/workspace';
import type { TempWorkspace } from '../test-support/workspace';

let ws: TempWorkspace | undefined;
afterEach(() => ws?.cleanup());

const SCORE = `apiVersion: score.dev/v1b1
metadata:
  name: api
containers:
  main:
    image: web:1
    volumes:
      /data:
        source: \${resources.data}
        path: ""
        readOnly: false
resources:
  data:
    type: scratch
`;

function workspace(source: string) {
  ws = tempWorkspace({
    'provisioners/scratch/provisioner.yaml': 'type: scratch\ndescription: A test volume.\nparams: {type: object}\noutputs: [source]\ntemplates: {outputs: outputs.yaml.njk}\n',
    'provisioners/scratch/outputs.yaml.njk': `source: ${source}\n`,
    'services/api/score.yaml': SCORE,
  });
  return ws;
}

describe('score-nx generate: volume outputs', () => {
  it('stops at the volume source on an unknown field, naming the resource and the provisioner (exit 1, nothing written)', async () => {
    const w = workspace('{emptyDir: {fruit: banana}}');
    const out = join(w.root, 'out.yaml');
    expect(await w.cli(['generate', 'services/api', '--env', 'dev', '-o', out])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "services/api/score.yaml:9:9: containers.main.volumes./data.source: resource 'scratch.default#api.data' (provisioner 'scratch') outputs cannot be used as a volume: source.emptyDir: unknown field 'fruit' (source must be a Kubernetes VolumeSource)\n",
    });
    expect(existsSync(out)).toBe(false);
  });

  it('stops on a field of the wrong type, with its path', async () => {
    const w = workspace('{persistentVolumeClaim: {claimName: 7}}');
    const { code, stderr } = await w.cli(['generate', 'services/api', '--env', 'dev']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "services/api/score.yaml:9:9: containers.main.volumes./data.source: resource 'scratch.default#api.data' (provisioner 'scratch') outputs cannot be used as a volume: source.persistentVolumeClaim.claimName: must be string (source must be a Kubernetes VolumeSource)\n",
    );
  });

  it('renders a valid source without what the API server drops (readOnly: false, an empty path)', async () => {
    const w = workspace('{persistentVolumeClaim: {claimName: shared, readOnly: false}}');
    const { code, stdout } = await w.cli(['generate', 'services/api', '--env', 'dev', '--quiet']);
    expect(code).toBe(0);
    expect(stdout).toContain('          volumeMounts:\n            - mountPath: /data\n              name: vol-');
    expect(stdout).toMatch(/ {6}volumes:\n {8}- name: vol-[0-9a-f]{10}\n {10}persistentVolumeClaim:\n {12}claimName: shared\n/);
    expect(stdout).not.toContain('readOnly: false');
    expect(stdout).not.toContain('subPath');
  });
});
