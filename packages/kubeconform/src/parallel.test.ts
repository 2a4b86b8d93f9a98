import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateChunksParallel } from './parallel';
import { K8S_LOCATION, deployment } from './test-support/run';
import { Validator } from './validator';
import { splitChunks } from './yaml-reader';

// Workers run the compiled package; this test needs `npx tsc -b packages/kubeconform` first.
const built = fs.existsSync(path.resolve(__dirname, '../dist/parallel.js'));

describe('worker-thread validation', () => {
  it.skipIf(!built)('gives the same results, in the same order, as the sequential path', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 400; i++) {
      docs.push(deployment('', `d${i}`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {a: ${i % 3 === 0 ? 1 : '"x"'}}\n`, 'kind: X\n');
    }
    const chunks = splitChunks(Buffer.from(docs.join('---\n')));
    const options = { kubernetesVersion: '1.33.0', schemaLocations: [K8S_LOCATION], strict: true };
    const sequential = await new Validator(options).validateChunks('f.yaml', chunks, 1);
    const parallel = await validateChunksParallel({ ...options, cwd: process.cwd() }, 'f.yaml', chunks, 2);
    expect(parallel.length).toBe(1200);
    expect(parallel).toEqual(sequential);
    expect(parallel.filter((r) => r.status === 'invalid').length).toBe(134);
  });
});
