import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandaloneDeriver, standaloneFileName } from './derive-standalone';
import { missingReference, sharedDefinitionsFor, sharedSchemasDir } from '../test-support/paths';

const reference = sharedDefinitionsFor('1.33.0');
const oracle = path.join(sharedSchemasDir, 'oracle');
const skip = missingReference(reference) || missingReference(oracle);
const deriver = skip ? undefined! : StandaloneDeriver.fromJson(JSON.parse(fs.readFileSync(reference, 'utf8')));

describe.skipIf(skip)(`standalone derivation from the full 1.33 _definitions.json against kubeconform's converter (spec §2.2)${skip ? ` — ${skip}` : ''}`, () => {
  for (const flavour of ['standalone', 'standalone-strict'] as const) {
    const dir = path.join(oracle, `v1.33.0-${flavour}`);
    if (skip) break;
    for (const file of fs.readdirSync(dir).sort()) {
      it(`${flavour}/${file} deep-equals the real converter's output`, () => {
        const expected = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        expect(deriver.derive(file, flavour === 'standalone-strict')).toEqual(expected);
      });
    }
  }

  it('never produces CustomResourceDefinition (skipped by the converter)', () => {
    expect(deriver.derive('customresourcedefinition-apiextensions-v1.json', false)).toBeUndefined();
    expect(deriver.derive('no-such-kind-v1.json', false)).toBeUndefined();
  });
});

describe('standalone file names', () => {
  it('names files from the definitions key', () => {
    expect(standaloneFileName('io.k8s.api.apps.v1.Deployment')).toBe('deployment-apps-v1.json');
    expect(standaloneFileName('io.k8s.api.core.v1.ConfigMap')).toBe('configmap-v1.json');
    expect(standaloneFileName('io.k8s.api.apiserverinternal.v1alpha1.StorageVersion')).toBe('storageversion-apiserverinternal-v1alpha1.json');
  });
});
