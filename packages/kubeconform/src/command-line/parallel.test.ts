import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationPool, validateBatches } from './parallel';
import { bufferBlocks, documentBatches, documentBoundary } from '../reading/stream';
import { schemasDir } from '../test-support/paths';
import { K8S_LOCATION, deployment } from '../test-support/run';
import type { ValidationResult } from '../validator/validator';
import { Validator } from '../validator/validator';
import { splitChunks } from '../reading/yaml-reader';

// Workers run the compiled package; this test needs `npx tsc -b packages/kubeconform` first.
const built = fs.existsSync(path.resolve(__dirname, '../dist/parallel.js'));

function corpus(): Buffer {
  const docs: string[] = [];
  for (let i = 0; i < 400; i++) {
    docs.push(deployment('', `d${i}`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {a: ${i % 3 === 0 ? 1 : '"x"'}}\n`, 'kind: X\n');
  }
  return Buffer.from(docs.join('---\n'));
}

describe('streaming batches', () => {
  it('cut only after a complete separator line', () => {
    expect(documentBoundary(Buffer.from('a: 1\n---\nb: 2\n---'))).toBe(9);
    expect(documentBoundary(Buffer.from('a: 1\n--- x\n'))).toBe(11);
    expect(documentBoundary(Buffer.from('---\na: 1\n'))).toBe(-1);
  });

  it('give, batch by batch, exactly the chunks of the whole input', () => {
    const inputs = [corpus(), Buffer.from('a: 1\n---\n\n---\n---\nb: 2\n--- tail\nc: 3\n---'), Buffer.from('x: [1,\n---\n\xff\xfe\n---\ny: 2\n', 'latin1')];
    for (const input of inputs) {
      for (const target of [1, 7, 64, 4096]) {
        const chunks = [...documentBatches(bufferBlocks(input), target)].flatMap((b) => splitChunks(b));
        expect(chunks).toEqual(splitChunks(input));
      }
    }
  });
});

describe('worker-thread validation', () => {
  it.skipIf(!built || !fs.existsSync(schemasDir))(`gives the same results, in the same order, as the sequential path (needs dist and ${schemasDir})`, async () => {
    const input = corpus();
    const options = { kubernetesVersion: '1.33.0', schemaLocations: [K8S_LOCATION], strict: true, cwd: process.cwd() };
    const validator = new Validator(options);
    const sequential = await validator.validateBytes('f.yaml', input, false);
    const pool = new ValidationPool(options, 2);
    const parallel: ValidationResult[] = [];
    try {
      const jobs = [...documentBatches(bufferBlocks(input), 4096)].map((bytes) => ({ filename: 'f.yaml', bytes, keepEmpty: false }));
      expect(jobs.length).toBeGreaterThan(20);
      await validateBatches(validator, pool, jobs, (r) => parallel.push(r), () => false);
    } finally {
      await pool.close();
    }
    expect(parallel.length).toBe(1200);
    expect(parallel).toEqual(sequential);
    expect(parallel.filter((r) => r.status === 'invalid').length).toBe(134);
  });
});
