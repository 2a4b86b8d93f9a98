import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandaloneDeriver } from './derive-standalone';
import { checkSchemas, DEFAULT_SCHEMA_SOURCES, pullSchemas, SchemaPullError } from './schema-pull';
import type { ApiType } from './schema-pull';
import { missingReference, schemasDir, sharedDefinitionsFor } from '../test-support/paths';
import { tmpdir } from '../test-support/run';

/** A tiny upstream in both layouts: two Kubernetes versions and a catalog with one CRD. */
const definitions = {
  definitions: {
    'io.k8s.api.apps.v1.Deployment': {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'Deployment', version: 'v1' }],
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, spec: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec' } },
    },
    'io.k8s.api.apps.v1.DeploymentSpec': { type: 'object', properties: { replicas: { type: 'integer' } } },
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
    'io.k8s.api.core.v1.Pod': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }], properties: { metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } } },
  },
};
const widget = '{"properties": {"spec": {"type": "object"}}, "type": "object"}\n';
const upstream = tmpdir({
  'k8s/v1.33.0/_definitions.json': JSON.stringify(definitions),
  'k8s/v1.32.0/_definitions.json': JSON.stringify(definitions),
  'crds/example.com/widget_v1.json': widget,
});
const TYPES: ApiType[] = [
  { apiVersion: 'example.com/v1', kind: 'Widget', sources: ['provisioners/w/manifests.yaml.njk:3'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', sources: ['engine'] },
];
const fromFolder = () =>
  pullSchemas({
    types: TYPES,
    kubernetesVersions: ['1.33.0', '1.32.0'],
    sources: DEFAULT_SCHEMA_SOURCES,
    from: { kubernetes: 'k8s', crds: 'crds' },
    cwd: upstream,
  });
const text = (files: Map<string, Buffer>, f: string) => files.get(f)!.toString('utf8');

function writeFolder(files: Map<string, Buffer>): string {
  const dir = tmpdir();
  for (const [rel, content] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe('schemas pull from a local mirror', () => {
  it('writes the pruned definitions per version, the CRD byte copy, the lock and NOTICE, sorted', async () => {
    const files = await fromFolder();
    expect([...files.keys()]).toEqual(['NOTICE', 'crds/example.com/widget_v1.json', 'kubernetes/v1.32.0/_definitions.json', 'kubernetes/v1.33.0/_definitions.json', 'lock.yaml']);
    const pruned = JSON.parse(text(files, 'kubernetes/v1.33.0/_definitions.json')) as { definitions: Record<string, unknown> };
    // Pod is not emitted: pruned away; what Deployment reaches stays, keys sorted.
    expect(Object.keys(pruned.definitions)).toEqual(['io.k8s.api.apps.v1.Deployment', 'io.k8s.api.apps.v1.DeploymentSpec', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    expect(text(files, 'crds/example.com/widget_v1.json')).toBe(widget);
    const lock = parse(text(files, 'lock.yaml')) as { files: Record<string, Record<string, unknown>> };
    expect(lock.files['crds/example.com/widget_v1.json']).toEqual({
      source: 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/example.com/widget_v1.json',
      mirror: true,
      licence: 'MIT',
      upstreamSha256: createHash('sha256').update(widget).digest('hex'),
      sha256: createHash('sha256').update(widget).digest('hex'),
      types: ['example.com/v1 Widget'],
    });
    expect(lock.files['kubernetes/v1.33.0/_definitions.json']!['source']).toBe('https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v1.33.0/_definitions.json');
    expect(lock.files['kubernetes/v1.33.0/_definitions.json']!['types']).toEqual(['apps/v1 Deployment']);
    expect(lock.files['kubernetes/v1.33.0/_definitions.json']!['upstreamSha256']).not.toBe(lock.files['kubernetes/v1.33.0/_definitions.json']!['sha256']);
    // No local path of the machine that pulled ends up in the folder.
    for (const [, content] of files) expect(content.toString('utf8')).not.toContain(upstream);
    expect(text(files, 'NOTICE')).toContain('Licensed under Apache-2.0');
    expect(text(files, 'NOTICE')).toContain('Licensed under MIT');
  });

  it('is deterministic: the same sources give the same bytes', async () => {
    const [a, b] = [await fromFolder(), await fromFolder()];
    expect([...a.entries()].map(([k, v]) => [k, v.toString('hex')])).toEqual([...b.entries()].map(([k, v]) => [k, v.toString('hex')]));
  });

  it('names the type, who emits it and where it looked when no source has a schema', async () => {
    const err = await pullSchemas({
      types: [...TYPES, { apiVersion: 'example.com/v1', kind: 'Gadget', sources: ['provisioners/g/manifests.yaml.njk:9'] }],
      kubernetesVersions: ['1.33.0'],
      sources: DEFAULT_SCHEMA_SOURCES,
      from: { kubernetes: 'k8s', crds: 'crds' },
      cwd: upstream,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaPullError);
    expect((err as Error).message).toBe(
      'no schema for 1 API type(s):\n  example.com/v1 Gadget (emitted by provisioners/g/manifests.yaml.njk:9): not in the Kubernetes definitions and no file at https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/example.com/gadget_v1.json',
    );
  });

  it('refuses a missing Kubernetes version', async () => {
    await expect(pullSchemas({ types: TYPES, kubernetesVersions: ['1.20.0'], sources: DEFAULT_SCHEMA_SOURCES, from: { kubernetes: 'k8s', crds: 'crds' }, cwd: upstream })).rejects.toThrow(
      'no Kubernetes v1.20.0 definitions at https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v1.20.0/_definitions.json',
    );
  });
});

describe('schemas pull over HTTP (loopback server in the registry layouts)', () => {
  let server: http.Server;
  let base = '';
  const requests: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url!);
      const file = path.join(upstream, decodeURIComponent(req.url!));
      if (!file.startsWith(upstream) || !fs.existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads from the configured URL templates and records those URLs', async () => {
    const sources = {
      kubernetes: { location: `${base}/k8s/{{ .NormalizedKubernetesVersion }}/_definitions.json`, licence: 'Apache-2.0' },
      crds: { location: `${base}/crds`, licence: 'MIT', revision: 'r1' },
    };
    const files = await pullSchemas({ types: TYPES, kubernetesVersions: ['1.33.0'], sources, cwd: upstream });
    expect(requests.sort()).toEqual(['/crds/example.com/widget_v1.json', '/k8s/v1.33.0/_definitions.json']);
    const lock = parse(text(files, 'lock.yaml')) as { files: Record<string, Record<string, unknown>> };
    expect(lock.files['crds/example.com/widget_v1.json']!['source']).toBe(`${base}/crds/example.com/widget_v1.json`);
    expect(lock.files['crds/example.com/widget_v1.json']!['revision']).toBe('r1');
    expect(lock.files['crds/example.com/widget_v1.json']!['mirror']).toBeUndefined();
    const local = await fromFolder();
    expect(text(files, 'kubernetes/v1.33.0/_definitions.json')).toBe(text(local, 'kubernetes/v1.33.0/_definitions.json'));
  });

  it('reports an HTTP error status', async () => {
    const sources = { kubernetes: { location: `${base}/nothing-here/`, licence: 'Apache-2.0' }, crds: { location: `${base}/crds`, licence: 'MIT' } };
    await expect(pullSchemas({ types: TYPES, kubernetesVersions: ['1.33.0'], sources, cwd: upstream })).rejects.toThrow(`no Kubernetes v1.33.0 definitions at ${base}/nothing-here/v1.33.0/_definitions.json`);
  });
});

describe('schemas pull --check (offline)', () => {
  it('accepts a folder exactly as pulled', async () => {
    expect(checkSchemas(writeFolder(await fromFolder()), TYPES, ['1.33.0', '1.32.0'])).toEqual([]);
  });

  it.each([
    ['a new kind with no schema', (_dir: string) => ({ types: [...TYPES, { apiVersion: 'example.com/v1', kind: 'Gadget', sources: ['provisioners/g/manifests.yaml.njk:2'] }] }), [
      'example.com/v1 Gadget (emitted by provisioners/g/manifests.yaml.njk:2): no schema in schemas/ (not in its Kubernetes definitions, no schemas/crds/example.com/gadget_v1.json); run score-nx schemas pull',
    ]],
    ['a native kind the pruned definitions lack', () => ({ types: [...TYPES, { apiVersion: 'v1', kind: 'Pod' }] }), [
      'v1 Pod: no schema in schemas/ (not in its Kubernetes definitions, no schemas/crds/v1/pod_v1.json); run score-nx schemas pull',
    ]],
    ['a Kubernetes version of a new environment', () => ({ versions: ['1.32.0', '1.33.0', '1.34.0'] }), ['schemas/kubernetes/v1.34.0/_definitions.json: missing: an environment uses Kubernetes 1.34.0']],
    ['a kind the library no longer emits', () => ({ types: [TYPES[1]!] }), ['schemas/crds/example.com/widget_v1.json: no emitted type or environment needs it; run score-nx schemas pull to prune it']],
    ['a hand edit', (dir: string) => {
      fs.appendFileSync(path.join(dir, 'crds/example.com/widget_v1.json'), ' ');
      return {};
    }, ['schemas/crds/example.com/widget_v1.json: changed since it was pulled (sha256 differs from lock.yaml)']],
    ['a hand-copied file', (dir: string) => {
      fs.writeFileSync(path.join(dir, 'crds/example.com/extra_v1.json'), '{}');
      return {};
    }, ['schemas/crds/example.com/extra_v1.json: not in lock.yaml (files here are written by score-nx schemas pull, never by hand)']],
  ] as const)('reports %s', async (_name, change, expected) => {
    const dir = writeFolder(await fromFolder());
    const c = change(dir) as { types?: ApiType[]; versions?: string[] };
    expect(checkSchemas(dir, c.types ?? TYPES, c.versions ?? ['1.33.0', '1.32.0'])).toEqual(expected);
  });

  it('reports definitions kept for a native kind that is no longer emitted', async () => {
    const dir = writeFolder(await pullSchemas({ types: [...TYPES, { apiVersion: 'v1', kind: 'Pod' }], kubernetesVersions: ['1.33.0'], sources: DEFAULT_SCHEMA_SOURCES, from: { kubernetes: 'k8s', crds: 'crds' }, cwd: upstream }));
    expect(checkSchemas(dir, TYPES, ['1.33.0'])).toEqual([
      'schemas/kubernetes/v1.33.0/_definitions.json: holds definitions no emitted type reaches (a kind was removed from the library); run score-nx schemas pull',
    ]);
  });

  it('reports a missing lock', () => {
    expect(checkSchemas(tmpdir(), TYPES, ['1.33.0'])).toEqual(['schemas/lock.yaml: missing or unreadable; run score-nx schemas pull']);
  });
});

// The committed schemas/ was pruned from the full upstream definitions: every type it lists must derive to exactly the
// schema the full definitions give (kubeconform's derivation is unchanged by pruning).
const lock = parse(fs.readFileSync(path.join(schemasDir, 'lock.yaml'), 'utf8')) as { files: Record<string, { types: string[] }> };
const k8sFiles = Object.entries(lock.files).filter(([f]) => f.startsWith('kubernetes/'));
describe.each(k8sFiles)('the workspace %s', (file, entry) => {
  const version = /v(\d+\.\d+\.\d+)/.exec(file)![1]!;
  const skip = missingReference(sharedDefinitionsFor(version));
  it.skipIf(skip)(`derives every listed type exactly as the full upstream definitions do${skip ? ` — ${skip}` : ''}`, () => {
    const full = StandaloneDeriver.fromJson(JSON.parse(fs.readFileSync(sharedDefinitionsFor(version), 'utf8')));
    const pruned = StandaloneDeriver.fromJson(JSON.parse(fs.readFileSync(path.join(schemasDir, file), 'utf8')));
    expect(entry.types.length).toBeGreaterThan(5);
    for (const t of entry.types) {
      const [apiVersion, kind] = t.split(' ') as [string, string];
      const [group, v] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
      const name = `${kind.toLowerCase()}${group ? `-${group.split('.')[0]}` : ''}-${v}.json`;
      for (const strict of [false, true]) expect(pruned.derive(name, strict), `${t} strict=${strict}`).toEqual(full.derive(name, strict));
    }
  });
});
