import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { workloadResolver } from '../score/placeholders';
import type { ScoreFile } from '../score/types';
import { h10, thrown } from '../test-support';
import { convertFiles } from './files';
import { encodeSecretRef } from './secrets';

const resolve = workloadResolver({ metadata: { name: 'api' }, resources: { db: { password: encodeSecretRef('db', 'pw') } } });
const input = (files: Record<string, ScoreFile>, takenMountPaths: string[] = []) => ({
  container: { image: 'x', files },
  containerName: 'main',
  workloadName: 'api',
  resolve,
  readSource: (source: string) => Buffer.from(`read ${source}`),
  meta: (name: string) => ({ name }),
  takenMountPaths: new Set(takenMountPaths),
  path: ['containers', 'main'],
});

describe('convertFiles', () => {
  it('returns a ConfigMap, a volume and a mount for one file, content substituted', () => {
    const h = h10('main', '/etc/app/config.txt');
    expect(convertFiles(input({ '/etc/app/config.txt': { content: 'name=${metadata.name}', mode: '0644' } }))).toEqual({
      configMaps: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `api-main-file-${h}` }, data: { file: 'name=api' } }],
      volumes: [{ name: `file-${h}`, configMap: { name: `api-main-file-${h}`, items: [{ key: 'file', path: 'config.txt', mode: 0o644 }] } }],
      mounts: [{ name: `file-${h}`, mountPath: '/etc/app', readOnly: true }],
    });
  });

  it('projects files of one folder into one volume, a secret file from its Secret', () => {
    const out = convertFiles(input({ '/etc/a.txt': { source: 'a.txt' }, '/etc/pw': { content: '${resources.db.password}' } }));
    expect(out.configMaps.map((c) => c.metadata.name)).toEqual([`api-main-file-${h10('main', '/etc/a.txt')}`]);
    expect(out.mounts).toEqual([{ name: `proj-${h10('main', '/etc')}`, mountPath: '/etc', readOnly: true }]);
    expect(out.volumes).toEqual([
      {
        name: `proj-${h10('main', '/etc')}`,
        projected: {
          sources: [
            { configMap: { name: `api-main-file-${h10('main', '/etc/a.txt')}`, items: [{ key: 'file', path: 'a.txt' }] } },
            { secret: { name: 'db', items: [{ key: 'pw', path: 'pw' }] } },
          ],
        },
      },
    ]);
  });

  it('refuses a folder that is already a mount path, and a bad mode', () => {
    const taken = thrown(() => convertFiles(input({ '/data/x': { content: 'x' } }, ['/data'])), DocumentError);
    expect(taken.path).toEqual(['containers', 'main', 'files', '/data/x']);
    expect(taken.message).toBe("containers.main.files./data/x: its folder '/data' is already the mount path of a volume");
    const mode = thrown(() => convertFiles(input({ '/x': { content: 'x', mode: '4755' } })), DocumentError);
    expect(mode.path).toEqual(['containers', 'main', 'files', '/x', 'mode']);
  });
});
