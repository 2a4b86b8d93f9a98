import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandaloneDeriver, standaloneFileName } from './derive-standalone';
import { definitionsFor, schemasDir } from './test-support/paths';

const deriver = StandaloneDeriver.fromJson(JSON.parse(fs.readFileSync(definitionsFor('1.33.0'), 'utf8')));

describe('standalone derivation from _definitions.json (spec §2.2)', () => {
  for (const flavour of ['standalone', 'standalone-strict'] as const) {
    const dir = path.join(schemasDir, 'oracle', `v1.33.0-${flavour}`);
    for (const file of fs.readdirSync(dir).sort()) {
      it(`${flavour}/${file} deep-equals the real converter's output`, () => {
        const expected = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        expect(deriver.derive(file, flavour === 'standalone-strict')).toEqual(expected);
      });
    }
  }

  it('names files from the definitions key', () => {
    expect(standaloneFileName('io.k8s.api.apps.v1.Deployment')).toBe('deployment-apps-v1.json');
    expect(standaloneFileName('io.k8s.api.core.v1.ConfigMap')).toBe('configmap-v1.json');
    expect(standaloneFileName('io.k8s.api.apiserverinternal.v1alpha1.StorageVersion')).toBe('storageversion-apiserverinternal-v1alpha1.json');
  });

  it('never produces CustomResourceDefinition (skipped by the converter)', () => {
    expect(deriver.derive('customresourcedefinition-apiextensions-v1.json', false)).toBeUndefined();
    expect(deriver.derive('no-such-kind-v1.json', false)).toBeUndefined();
  });
});
