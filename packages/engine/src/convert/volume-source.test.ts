import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveVolumeDefinitions } from '../test-support/volume-definitions';
import { decodeVolumeOutput } from './volume-source';
import type { VolumeOutput } from './volume-source';

const WORKSPACE = join(__dirname, '..', '..', '..', '..');
const COMMITTED = join(__dirname, 'volume-definitions.json');

describe('volume-definitions.json', () => {
  it("is derived from the workspace's newest schemas/kubernetes (UPDATE_GOLDENS=1 rewrites it)", () => {
    const { text, version } = deriveVolumeDefinitions(WORKSPACE);
    if (process.env['UPDATE_GOLDENS'] === '1') writeFileSync(COMMITTED, text);
    expect(readFileSync(COMMITTED, 'utf8')).toBe(text);
    const doc = JSON.parse(text) as { kubernetesVersion: string; definitions: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> };
    expect(doc.kubernetesVersion).toBe(version);
    const source = doc.definitions['io.k8s.api.core.v1.VolumeSource']!;
    // Volume without its name, closed like every object with properties.
    expect(source.properties).not.toHaveProperty('name');
    expect(Object.keys(source.properties!)).toEqual(expect.arrayContaining(['emptyDir', 'persistentVolumeClaim', 'configMap', 'secret', 'projected', 'ephemeral', 'csi']));
    expect(source.additionalProperties).toBe(false);
    expect(doc.definitions['io.k8s.api.core.v1.EmptyDirVolumeSource']!.additionalProperties).toBe(false);
    expect(JSON.stringify(doc)).not.toContain('"description"');
  });
});

const accepted: Array<[string, VolumeOutput, unknown, unknown?]> = [
  ['an empty emptyDir', 'source', { emptyDir: {} }],
  ['emptyDir with medium and a string sizeLimit', 'source', { emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }],
  ['a numeric Quantity', 'source', { emptyDir: { sizeLimit: 1048576 } }],
  ['a claim with readOnly true', 'source', { persistentVolumeClaim: { claimName: 'data', readOnly: true } }],
  ['a claim with readOnly false, which is dropped', 'source', { persistentVolumeClaim: { claimName: 'data', readOnly: false } }, { persistentVolumeClaim: { claimName: 'data' } }],
  ['csi readOnly false, kept (a *bool in Go)', 'source', { csi: { driver: 'ebs.csi.aws.com', readOnly: false } }],
  ['cephfs with an empty optional path, which is dropped', 'source', { cephfs: { monitors: ['m:6789'], path: '', readOnly: false } }, { cephfs: { monitors: ['m:6789'] } }],
  ['nfs with its required path', 'source', { nfs: { server: 'nfs', path: '/exports', readOnly: false } }, { nfs: { server: 'nfs', path: '/exports' } }],
  ['a configMap with items, optional false and a mode', 'source', { configMap: { name: 'c', items: [{ key: 'k', path: 'p', mode: 0o400 }], optional: false, defaultMode: 420 } }],
  [
    'projected secrets and a service account token',
    'source',
    { projected: { sources: [{ secret: { name: 's', items: [{ key: 'a', path: 'a' }] } }, { serviceAccountToken: { path: 'token', audience: 'sts.amazonaws.com', expirationSeconds: 3600 } }] } },
  ],
  [
    'an ephemeral claim template',
    'source',
    { ephemeral: { volumeClaimTemplate: { metadata: { labels: { a: 'b' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
  ],
  ['a claim spec', 'claimSpec', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'gp3' }],
  ['an empty storageClassName (no class: meaningful, kept)', 'claimSpec', { accessModes: ['ReadWriteOnce'], storageClassName: '' }],
  ['a claim spec with a selector and a volume mode', 'claimSpec', { selector: { matchLabels: { tier: 'db' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }, volumeMode: 'Filesystem' }],
];

const rejected: Array<[string, VolumeOutput, unknown, string]> = [
  ['an unknown field of emptyDir', 'source', { emptyDir: { fruit: 'banana' } }, "source.emptyDir: unknown field 'fruit'"],
  ['a mistyped volume type', 'source', { emptyDirr: {} }, "source: unknown field 'emptyDirr' (did you mean 'emptyDir'?)"],
  ['a field in the wrong case (Go matches case-insensitively, the API server does not)', 'source', { EmptyDir: {} }, "source: unknown field 'EmptyDir' (did you mean 'emptyDir'?)"],
  ['a Volume name (the engine names volumes)', 'source', { name: 'x', emptyDir: {} }, "source: unknown field 'name'"],
  ['a Quantity of the wrong type', 'source', { emptyDir: { sizeLimit: true } }, 'source.emptyDir.sizeLimit: must be string or number'],
  ['a string mode', 'source', { configMap: { name: 'c', defaultMode: '0644' } }, 'source.configMap.defaultMode: must be integer'],
  ['an item without its path', 'source', { configMap: { name: 'c', items: [{ key: 'k' }] } }, "source.configMap.items[0]: missing required field 'path'"],
  ['a hostPath without path', 'source', { hostPath: {} }, "source.hostPath: missing required field 'path'"],
  ['a string', 'source', 'pvc', 'source: must be object'],
  ['an unknown field deep in an ephemeral claim', 'source', { ephemeral: { volumeClaimTemplate: { spec: { fruit: 1 } } } }, "source.ephemeral.volumeClaimTemplate.spec: unknown field 'fruit'"],
  ['an unknown field of a claim spec', 'claimSpec', { accessModes: ['ReadWriteOnce'], fruit: 'banana' }, "claimSpec: unknown field 'fruit'"],
  ['accessModes as a string', 'claimSpec', { accessModes: 'ReadWriteOnce' }, 'claimSpec.accessModes: must be array'],
  ['a storage request of the wrong type', 'claimSpec', { resources: { requests: { storage: {} } } }, 'claimSpec.resources.requests.storage: must be string or number'],
  ['a Volume source given as a claim spec', 'claimSpec', { emptyDir: {} }, "claimSpec: unknown field 'emptyDir'"],
];

describe('decodeVolumeOutput', () => {
  it.each(accepted)('accepts %s', (_name, output, value, expected) => {
    const before = structuredClone(value);
    expect(decodeVolumeOutput(output, value)).toEqual({ value: expected ?? value });
    expect(value).toEqual(before);
  });

  it.each(rejected)('rejects %s', (_name, output, value, message) => {
    const kind = output === 'source' ? 'VolumeSource' : 'PersistentVolumeClaimSpec';
    expect(decodeVolumeOutput(output, value)).toEqual({ error: `${message} (${output} must be a Kubernetes ${kind})` });
  });
});
