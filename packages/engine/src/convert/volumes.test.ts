import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { workloadResolver } from '../score/placeholders';
import { h10, thrown } from '../test-support';
import { convertVolumes } from './volumes';
import type { ProvisionedResource } from './volumes';

const resources: Record<string, ProvisionedResource> = {
  cache: { uid: 'volume.default#api.cache', provisioner: 'volume', outputs: { source: { emptyDir: {} } } },
  data: { uid: 'volume.claim#api.data', provisioner: 'volume-claim', outputs: { claimSpec: { accessModes: ['ReadWriteOnce'] } } },
};
const resolve = workloadResolver({ metadata: {}, resources: Object.fromEntries(Object.entries(resources).map(([k, v]) => [k, v.outputs])) });
const input = (volumes: Record<string, { source: string; path?: string; readOnly?: boolean }>, kind: 'Deployment' | 'StatefulSet' = 'Deployment') => ({
  container: { image: 'x', volumes },
  containerName: 'main',
  kind,
  resources,
  resolve,
  path: ['containers', 'main'],
});

describe('convertVolumes', () => {
  it('returns a mount and a pod volume for a `source` output', () => {
    expect(convertVolumes(input({ '/cache': { source: '${resources.cache}', readOnly: true, path: 'sub' } }))).toEqual({
      mounts: [{ name: `vol-${h10('main', '/cache')}`, mountPath: '/cache', subPath: 'sub', readOnly: true }],
      volumes: [{ name: `vol-${h10('main', '/cache')}`, emptyDir: {} }],
      claimTemplates: [],
    });
  });

  it('returns a claim template for a `claimSpec` output of a stateful set, found by uid too', () => {
    const out = convertVolumes(input({ '/data': { source: 'volume.claim#api.data' } }, 'StatefulSet'));
    expect(out.volumes).toEqual([]);
    expect(out.claimTemplates).toEqual([{ metadata: { name: `vol-${h10('main', '/data')}` }, spec: { accessModes: ['ReadWriteOnce'] } }]);
  });

  it('refuses a claim on a Deployment and an unknown resource, at the volume source', () => {
    const claim = thrown(() => convertVolumes(input({ '/data': { source: '${resources.data}' } })), DocumentError);
    expect(claim.path).toEqual(['containers', 'main', 'volumes', '/data', 'source']);
    expect(claim.message).toContain('volume claims can only be set on stateful sets');
    const unknown = thrown(() => convertVolumes(input({ '/x': { source: '${resources.nope}' } })), DocumentError);
    expect(unknown.message).toBe("containers.main.volumes./x.source: invalid ref 'resources.nope': no known resource 'nope'");
  });
});
