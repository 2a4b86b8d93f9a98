import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import type { ScoreContainer, ScoreWorkload } from '../score/types';
import { h10, thrown } from '../test-support';
import { encodeSecretRef, secretRefEnvName } from './secrets';
import { convertWorkload } from './workload';
import type { ConvertedWorkload, ConvertOptions, ProvisionedResource } from './workload';
import type { K8sObject } from '../k8s';

const SUFFIX = '-0123456789';
const INSTANCE = `example${SUFFIX}`;
const LABELS = {
  'app.kubernetes.io/instance': INSTANCE,
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'example',
};
const SELECTOR = { 'app.kubernetes.io/instance': INSTANCE };
const TOP_ANNOTATIONS = { 'k8s.score.dev/workload-name': 'example' };
const meta = (name: string) => ({ name, labels: LABELS, annotations: TOP_ANNOTATIONS });

function workload(containers: Record<string, ScoreContainer>, extra: Partial<ScoreWorkload> = {}): ScoreWorkload {
  return { apiVersion: 'score.dev/v1b1', metadata: { name: 'example' }, containers, ...extra };
}

/** A workload whose one container `main` has these fields on top of its image. */
const withMain = (fields: Partial<ScoreContainer>, extra: Partial<ScoreWorkload> = {}) =>
  workload({ main: { image: 'nginx:latest', ...fields } }, extra);

function convert(w: ScoreWorkload, options: Partial<ConvertOptions> = {}): ConvertedWorkload {
  return convertWorkload(w, {
    instanceSuffix: SUFFIX,
    metadata: { ...w.metadata },
    resources: {},
    readSource: (source) => {
      throw new Error(`unexpected read of ${source}`);
    },
    ...options,
  });
}

/** The error that converting `w` raises, as its full message. */
const convertError = (w: ScoreWorkload, options: Partial<ConvertOptions> = {}) =>
  thrown(() => convert(w, options), DocumentError).message;

const containerOf = (c: ConvertedWorkload, index = 0) =>
  (c.podTemplate.spec['containers'] as Record<string, unknown>[])[index]!;

const deployment = (podSpec: Record<string, unknown>, podAnnotations: Record<string, string> = TOP_ANNOTATIONS): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('example'),
  spec: {
    selector: { matchLabels: SELECTOR },
    template: { metadata: { labels: LABELS, annotations: podAnnotations }, spec: podSpec },
  },
});

const fileVolume = (container: string, target: string) => `file-${h10(container, target)}`;
const cmName = (container: string, target: string) => `example-${container}-file-${h10(container, target)}`;
const configMap = (name: string, content: Record<string, unknown>): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), ...content });

describe('kind', () => {
  it('renders a Deployment by default, with no serializer artefacts', () => {
    const c = convert(withMain({}));
    expect(c).toEqual({
      kind: 'Deployment',
      name: 'example',
      selector: SELECTOR,
      labels: LABELS,
      podTemplate: {
        metadata: { labels: LABELS, annotations: TOP_ANNOTATIONS },
        spec: { containers: [{ name: 'main', image: 'nginx:latest' }] },
      },
      configMaps: [],
      services: [],
      controller: deployment({ containers: [{ name: 'main', image: 'nginx:latest' }] }),
    });
  });

  it('sets the namespace on every object when given', () => {
    const c = convert(withMain({ files: { '/etc/a': { content: 'a' } } }, { service: { ports: { web: { port: 80 } } } }), {
      namespace: 'team-a',
    });
    for (const o of [c.controller, ...c.services, ...c.configMaps]) expect(o.metadata.namespace).toBe('team-a');
  });

  it('renders a StatefulSet with a headless service and claim templates from a claimSpec output', () => {
    const claimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
    const c = convert(
      withMain(
        { volumes: { '/data': { source: '${resources.data}' } } },
        { metadata: { name: 'example', annotations: { 'k8s.score.dev/kind': 'StatefulSet' } } },
      ),
      { resources: { data: { uid: 'volume.default#example.data', provisioner: 'volume', outputs: { claimSpec } } } },
    );
    const vol = `vol-${h10('main', '/data')}`;
    const podSpec = { containers: [{ name: 'main', image: 'nginx:latest', volumeMounts: [{ name: vol, mountPath: '/data' }] }] };
    expect(c.kind).toBe('StatefulSet');
    expect(c.services).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('example-headless-svc'),
        spec: { clusterIP: 'None', selector: SELECTOR, ports: [{ name: 'default', port: 99, targetPort: 99 }] },
      },
    ]);
    expect(c.controller).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('example'),
      spec: {
        serviceName: 'example-headless-svc',
        selector: { matchLabels: SELECTOR },
        template: { metadata: { labels: LABELS, annotations: TOP_ANNOTATIONS }, spec: podSpec },
        volumeClaimTemplates: [{ metadata: { name: vol }, spec: claimSpec }],
      },
    });
  });

  it('puts the headless service after the ports service of a StatefulSet', () => {
    const c = convert(withMain({}, { metadata: { name: 'example', annotations: { 'k8s.score.dev/kind': 'StatefulSet' } }, service: { ports: { web: { port: 80 } } } }));
    expect(c.services.map((s) => s.metadata.name)).toEqual(['example', 'example-headless-svc']);
    expect((c.controller['spec'] as Record<string, unknown>)['volumeClaimTemplates']).toBeUndefined();
  });

  it.each(['Job', 'deployment', 'statefulset', ''])('fails loudly on the unsupported kind %j', (kind) => {
    expect(convertError(withMain({}, { metadata: { name: 'example', annotations: { 'k8s.score.dev/kind': kind } } }))).toBe(
      `metadata.annotations.k8s.score.dev/kind: unsupported workload kind '${kind}': use Deployment or StatefulSet`,
    );
  });

  it('fails loudly on a claimSpec volume on a Deployment', () => {
    expect(
      convertError(withMain({ volumes: { '/data': { source: '${resources.data}' } } }), {
        resources: { data: { uid: 'volume.default#example.data', provisioner: 'volume', outputs: { claimSpec: { accessModes: ['ReadWriteOnce'] } } } },
      }),
    ).toBe(
      "containers.main.volumes./data.source: resource 'volume.default#example.data' (provisioner 'volume') provides a volume claim, and volume claims can only be set on stateful sets (annotation k8s.score.dev/kind: StatefulSet)",
    );
  });
});

describe('labels, selectors, annotations, names', () => {
  it('copies only the non-k8s.score.dev annotations to the pod, and none to the controller', () => {
    const c = convert(
      withMain(
        {},
        {
          metadata: {
            name: 'example',
            team: 'payments',
            annotations: {
              'example.com/team': 'web',
              'k8s.score.dev/kind': 'Deployment',
              'k8s.score.dev/service-name': 'front',
              'k8s.score.dev/other': 'x',
              plain: 'yes',
            },
          },
        },
      ),
    );
    expect(c.controller).toEqual(
      deployment(
        { containers: [{ name: 'main', image: 'nginx:latest' }] },
        { 'k8s.score.dev/workload-name': 'example', 'example.com/team': 'web', plain: 'yes' },
      ),
    );
  });

  it('names the Service after the service-name annotation', () => {
    const c = convert(
      withMain({}, { metadata: { name: 'example', annotations: { 'k8s.score.dev/service-name': 'front' } }, service: { ports: { web: { port: 80 } } } }),
    );
    expect(c.services.map((s) => s.metadata)).toEqual([meta('front')]);
  });
});

describe('service ports', () => {
  it('sorts ports by name, defaults targetPort to port and upper-cases the protocol', () => {
    const c = convert(
      withMain({}, {
        service: {
          ports: {
            www: { port: 8080, targetPort: 3000 },
            dns: { port: 53, protocol: 'udp' },
            admin: { port: 9000, protocol: 'TCP' },
            Zeta: { port: 1 },
          },
        },
      }),
    );
    expect(c.services).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('example'),
        spec: {
          selector: SELECTOR,
          ports: [
            { name: 'Zeta', port: 1, targetPort: 1, protocol: 'TCP' },
            { name: 'admin', port: 9000, targetPort: 9000, protocol: 'TCP' },
            { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
            { name: 'www', port: 8080, targetPort: 3000, protocol: 'TCP' },
          ],
        },
      },
    ]);
  });

  it('renders no Service without ports', () => {
    expect(convert(withMain({}, { service: { ports: {} } })).services).toEqual([]);
    expect(convert(withMain({}, { service: {} })).services).toEqual([]);
  });
});

describe('containers', () => {
  it('emits containers sorted by name', () => {
    const c = convert(workload({ web: { image: 'w' }, api: { image: 'a' }, Batch: { image: 'b' } }));
    expect(c.podTemplate.spec['containers']).toEqual([
      { name: 'Batch', image: 'b' },
      { name: 'api', image: 'a' },
      { name: 'web', image: 'w' },
    ]);
  });

  it('keeps image, command and args verbatim, placeholders included', () => {
    const c = convert(withMain({ image: 'repo/${metadata.name}:1', command: ['/bin/sh', '-c'], args: ['echo ${metadata.name} $$ $${x}', ''] }));
    expect(containerOf(c)).toEqual({
      name: 'main',
      image: 'repo/${metadata.name}:1',
      command: ['/bin/sh', '-c'],
      args: ['echo ${metadata.name} $$ $${x}', ''],
    });
  });

  it('keeps empty command and args lists', () => {
    expect(containerOf(convert(withMain({ command: [], args: [] })))).toEqual({ name: 'main', image: 'nginx:latest', command: [], args: [] });
  });
});

describe('variables', () => {
  const db: ProvisionedResource = {
    uid: 'postgres.default#example.db',
    provisioner: 'postgres',
    outputs: {
      host: 'db.local',
      port: 5432,
      password: encodeSecretRef('db-creds', 'password'),
      user: encodeSecretRef('db-creds', 'user'),
    },
  };
  const envOf = (variables: Record<string, string>) => containerOf(convert(withMain({ variables }), { resources: { db } }))['env'];

  it('substitutes plain values; an empty value gives the name alone', () => {
    expect(envOf({ PORT: '3000', EMPTY: '', HOST: '${resources.db.host}:${resources.db.port}', NAME: '${metadata.name}', DOLLAR: '$$5' })).toEqual([
      { name: 'DOLLAR', value: '$5' },
      { name: 'EMPTY' },
      { name: 'HOST', value: 'db.local:5432' },
      { name: 'NAME', value: 'example' },
      { name: 'PORT', value: '3000' },
    ]);
  });

  it('turns a value that is exactly one secret marker into a secretKeyRef', () => {
    expect(envOf({ DB_PASSWORD: '${resources.db.password}' })).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } },
    ]);
  });

  it('puts one __ref_ helper per distinct secret first, then the variables sorted by name', () => {
    const pass = secretRefEnvName({ name: 'db-creds', key: 'password' });
    const user = secretRefEnvName({ name: 'db-creds', key: 'user' });
    const helpers = [
      { name: pass, valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } },
      { name: user, valueFrom: { secretKeyRef: { name: 'db-creds', key: 'user' } } },
    ].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(
      envOf({
        URL: 'postgres://${resources.db.user}:${resources.db.password}@${resources.db.host}',
        A_PLAIN: 'x',
        PASS_AGAIN: 'p=${resources.db.password}',
      }),
    ).toEqual([
      ...helpers,
      { name: 'A_PLAIN', value: 'x' },
      { name: 'PASS_AGAIN', value: `p=$(${pass})` },
      { name: 'URL', value: `postgres://$(${user}):$(${pass})@db.local` },
    ]);
  });

  it('sorts variable names by code unit', () => {
    expect(envOf({ b: '1', B: '2', _a: '3', a: '4' })).toEqual([
      { name: 'B', value: '2' },
      { name: '_a', value: '3' },
      { name: 'a', value: '4' },
      { name: 'b', value: '1' },
    ]);
  });

  it('places substitution errors at the variable', () => {
    expect(convertError(withMain({ variables: { X: '${resources.db.nope}' } }), { resources: { db } })).toBe(
      "containers.main.variables.X: invalid ref 'resources.db.nope': key 'nope' not found",
    );
  });
});

describe('resources', () => {
  it('writes canonical quantities', () => {
    const c = convert(withMain({ resources: { requests: { cpu: '0.5', memory: '1.5Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } } }));
    expect(containerOf(c)['resources']).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1536Mi' } });
  });

  it('keeps only the groups and entries given', () => {
    expect(containerOf(convert(withMain({ resources: { limits: { memory: '64Mi' } } })))['resources']).toEqual({ limits: { memory: '64Mi' } });
    expect(containerOf(convert(withMain({ resources: {} })))['resources']).toEqual({});
  });

  it('places a bad quantity at its path', () => {
    expect(convertError(withMain({ resources: { requests: { cpu: '12 cores' } } }))).toBe(
      "containers.main.resources.requests.cpu: failed to parse '12 cores': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });
});

describe('probes', () => {
  it('converts httpGet with host, scheme and headers, and exec', () => {
    const c = convert(
      withMain({
        livenessProbe: {
          httpGet: { path: '/health', port: 8080, host: 'localhost', scheme: 'HTTPS', httpHeaders: [{ name: 'X-A', value: '${metadata.name}' }] },
        },
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } },
      }),
    );
    expect(containerOf(c)).toEqual({
      name: 'main',
      image: 'nginx:latest',
      livenessProbe: {
        httpGet: { path: '/health', port: 8080, host: 'localhost', scheme: 'HTTPS', httpHeaders: [{ name: 'X-A', value: '${metadata.name}' }] },
      },
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] } },
    });
  });

  it('converts a minimal httpGet', () => {
    expect(containerOf(convert(withMain({ readinessProbe: { httpGet: { path: '/', port: 80 } } })))['readinessProbe']).toEqual({
      httpGet: { path: '/', port: 80 },
    });
  });
});

describe('files', () => {

  it('puts content into a ConfigMap mounted at the folder, with the mode in decimal', () => {
    const c = convert(withMain({ files: { '/etc/app/app.conf': { content: 'name=${metadata.name}\n', mode: '0644' } } }));
    const name = cmName('main', '/etc/app/app.conf');
    const vol = fileVolume('main', '/etc/app/app.conf');
    expect(c.configMaps).toEqual([configMap(name, { data: { file: 'name=example\n' } })]);
    expect(containerOf(c)['volumeMounts']).toEqual([{ name: vol, mountPath: '/etc/app', readOnly: true }]);
    expect(c.podTemplate.spec['volumes']).toEqual([
      { name: vol, configMap: { name, items: [{ key: 'file', path: 'app.conf', mode: 420 }] } },
    ]);
  });

  it.each([
    ['0644', 420],
    ['644', 420],
    ['0600', 384],
    ['0755', 493],
    ['0400', 256],
  ])('parses mode %s as %i', (mode, decimal) => {
    const c = convert(withMain({ files: { '/f': { content: 'x', mode } } }));
    expect(c.podTemplate.spec['volumes']).toEqual([
      { name: fileVolume('main', '/f'), configMap: { name: cmName('main', '/f'), items: [{ key: 'file', path: 'f', mode: decimal }] } },
    ]);
  });

  it.each(['0999', 'rw-r--r--', '0x1a4', '', '06444', '4755', '01777'])('rejects the mode %j', (mode) => {
    expect(convertError(withMain({ files: { '/etc/x': { content: 'x', mode } } }))).toBe(
      `containers.main.files./etc/x.mode: failed to parse '${mode}': expected an octal file mode such as 0644`,
    );
  });

  it('decodes binaryContent and never expands it; non-UTF-8 bytes go to binaryData', () => {
    const c = convert(
      withMain({
        files: {
          '/bin/blob': { binaryContent: Buffer.from([0xff, 0x00, 0x24, 0x7b]).toString('base64') },
          '/etc/text': { binaryContent: Buffer.from('${metadata.name}').toString('base64') },
        },
      }),
    );
    expect(c.configMaps).toEqual([
      configMap(cmName('main', '/bin/blob'), { binaryData: { file: '/wAkew==' } }),
      configMap(cmName('main', '/etc/text'), { data: { file: '${metadata.name}' } }),
    ]);
  });

  it('keeps UTF-8 with control characters (an icon header) as binaryData', () => {
    const c = convert(withMain({ files: { '/i.ico': { binaryContent: 'AAABAAEAEBA=' } } }));
    expect(c.configMaps).toEqual([configMap(cmName('main', '/i.ico'), { binaryData: { file: 'AAABAAEAEBA=' } })]);
    const text = convert(withMain({ files: { '/t': { source: 't', noExpand: true } } }), { readSource: () => Buffer.from('a\tb\r\nc\n') });
    expect(text.configMaps).toEqual([configMap(cmName('main', '/t'), { data: { file: 'a\tb\r\nc\n' } })]);
  });

  it('rejects binaryContent that is not base64', () => {
    expect(convertError(withMain({ files: { '/f': { binaryContent: 'not base64!' } } }))).toBe(
      'containers.main.files./f.binaryContent: is not valid standard base64',
    );
  });

  it('reads source through readSource and expands it', () => {
    const reads: unknown[] = [];
    const c = convert(withMain({ files: { '/etc/site/index.html': { source: './site/index.html' } } }), {
      readSource: (source, path) => (reads.push([source, path]), Buffer.from('<h1>${metadata.name} $$</h1>')),
    });
    expect(reads).toEqual([['./site/index.html', ['containers', 'main', 'files', '/etc/site/index.html', 'source']]]);
    expect(c.configMaps).toEqual([configMap(cmName('main', '/etc/site/index.html'), { data: { file: '<h1>example $</h1>' } })]);
  });

  it('keeps ${...} with noExpand, for content and source', () => {
    const c = convert(
      withMain({
        files: {
          '/a/content': { content: '${metadata.name} $$', noExpand: true },
          '/b/source': { source: 'tpl', noExpand: true },
        },
      }),
      { readSource: () => Buffer.from('${resources.nope.x}') },
    );
    expect(c.configMaps).toEqual([
      configMap(cmName('main', '/a/content'), { data: { file: '${metadata.name} $$' } }),
      configMap(cmName('main', '/b/source'), { data: { file: '${resources.nope.x}' } }),
    ]);
  });

  it('rejects non-UTF-8 source without noExpand, and keeps it as binaryData with noExpand', () => {
    const readSource = () => Buffer.from([0xc3, 0x28, 0x41]);
    expect(convertError(withMain({ files: { '/f': { source: 'bin' } } }), { readSource })).toBe(
      'containers.main.files./f.source: source content contains non-utf8 bytes; set noExpand: true or use binaryContent',
    );
    expect(convert(withMain({ files: { '/f': { source: 'bin', noExpand: true } } }), { readSource }).configMaps).toEqual([
      configMap(cmName('main', '/f'), { binaryData: { file: 'wyhB' } }),
    ]);
  });

  it('places expansion errors at content or source', () => {
    expect(convertError(withMain({ files: { '/f': { content: '${nope}' } } }))).toBe(
      "containers.main.files./f.content: invalid ref 'nope': unknown reference root, use $$ to escape the substitution",
    );
    expect(convertError(withMain({ files: { '/f': { source: 's' } } }), { readSource: () => Buffer.from('${metadata.x}') })).toBe(
      "containers.main.files./f.source: invalid ref 'metadata.x': key 'x' not found",
    );
  });

  it('rejects a file with no content', () => {
    expect(convertError(withMain({ files: { '/f': { mode: '0644' } } }))).toBe(
      "containers.main.files./f: missing 'content', 'binaryContent' or 'source'",
    );
  });

  const secretRes: ProvisionedResource = { uid: 'secret.default#example.s', provisioner: 'cloud-secret', outputs: { tls: encodeSecretRef('tls-secret', 'tls.crt') } };

  it('turns a file that is exactly one secret ref into a secret volume, with no ConfigMap', () => {
    const c = convert(withMain({ files: { '/etc/tls/tls.crt': { content: '${resources.s.tls}', mode: '0400' } } }), { resources: { s: secretRes } });
    const vol = fileVolume('main', '/etc/tls/tls.crt');
    expect(c.configMaps).toEqual([]);
    expect(c.podTemplate.spec['volumes']).toEqual([
      { name: vol, secret: { secretName: 'tls-secret', items: [{ key: 'tls.crt', path: 'tls.crt', mode: 256 }] } },
    ]);
    expect(containerOf(c)['volumeMounts']).toEqual([{ name: vol, mountPath: '/etc/tls', readOnly: true }]);
  });

  it('rejects secret refs mixed with text', () => {
    expect(convertError(withMain({ files: { '/f': { content: 'cert: ${resources.s.tls}' } } }), { resources: { s: secretRes } })).toBe(
      'containers.main.files./f.content: contained a mix of secret references and raw content',
    );
    expect(convertError(withMain({ files: { '/f': { source: 's' } } }), { resources: { s: secretRes }, readSource: () => Buffer.from('${resources.s.tls}${resources.s.tls}') })).toBe(
      'containers.main.files./f.source: contained a mix of secret references and raw content',
    );
  });

  it('projects the files of one folder into one read-only volume', () => {
    const c = convert(
      withMain({
        files: {
          '/etc/app/b.conf': { content: 'b' },
          '/etc/app/a.conf': { content: 'a', mode: '0600' },
          '/etc/app/tls.crt': { content: '${resources.s.tls}' },
          '/other/c.conf': { content: 'c' },
        },
      }),
      { resources: { s: secretRes } },
    );
    const proj = `proj-${h10('main', '/etc/app')}`;
    expect(c.configMaps.map((m) => m.metadata.name)).toEqual([cmName('main', '/etc/app/a.conf'), cmName('main', '/etc/app/b.conf'), cmName('main', '/other/c.conf')]);
    expect(c.podTemplate.spec['volumes']).toEqual([
      {
        name: proj,
        projected: {
          sources: [
            { configMap: { name: cmName('main', '/etc/app/a.conf'), items: [{ key: 'file', path: 'a.conf', mode: 384 }] } },
            { configMap: { name: cmName('main', '/etc/app/b.conf'), items: [{ key: 'file', path: 'b.conf' }] } },
            { secret: { name: 'tls-secret', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
          ],
        },
      },
      { name: fileVolume('main', '/other/c.conf'), configMap: { name: cmName('main', '/other/c.conf'), items: [{ key: 'file', path: 'c.conf' }] } },
    ]);
    expect(containerOf(c)['volumeMounts']).toEqual([
      { name: proj, mountPath: '/etc/app', readOnly: true },
      { name: fileVolume('main', '/other/c.conf'), mountPath: '/other', readOnly: true },
    ]);
  });

  it('gives two containers with the same file target distinct volumes and ConfigMaps', () => {
    const file = { '/etc/app.conf': { content: 'x' } };
    const c = convert(workload({ a: { image: 'i', files: file }, b: { image: 'i', files: file } }));
    const [va, vb] = [fileVolume('a', '/etc/app.conf'), fileVolume('b', '/etc/app.conf')];
    expect(va).not.toBe(vb);
    expect(c.configMaps.map((m) => m.metadata.name)).toEqual([cmName('a', '/etc/app.conf'), cmName('b', '/etc/app.conf')]);
    expect(c.podTemplate.spec['volumes']).toEqual([
      { name: va, configMap: { name: cmName('a', '/etc/app.conf'), items: [{ key: 'file', path: 'app.conf' }] } },
      { name: vb, configMap: { name: cmName('b', '/etc/app.conf'), items: [{ key: 'file', path: 'app.conf' }] } },
    ]);
  });

  it('gives two containers projecting the same folder distinct projected volumes', () => {
    const files = { '/etc/x/1': { content: '1' }, '/etc/x/2': { content: '2' } };
    const c = convert(workload({ a: { image: 'i', files }, b: { image: 'i', files } }));
    expect((c.podTemplate.spec['volumes'] as Array<{ name: string }>).map((v) => v.name)).toEqual([`proj-${h10('a', '/etc/x')}`, `proj-${h10('b', '/etc/x')}`]);
  });
});

describe('volumes', () => {
  const data: ProvisionedResource = { uid: 'volume.default#example.data', provisioner: 'volume', outputs: { source: { emptyDir: { medium: 'Memory' } } } };
  const vol = `vol-${h10('main', '/data')}`;
  const volumeError = (source: string, outputs: Record<string, unknown>) =>
    convertError(withMain({ volumes: { '/data': { source } } }), { resources: { data: { uid: data.uid, provisioner: 'volume', outputs } } });

  it('mounts a ${resources.x} source, with subPath and readOnly', () => {
    const c = convert(withMain({ volumes: { '/data': { source: '${resources.data}', path: 'sub/dir', readOnly: true } } }), { resources: { data } });
    expect(c.podTemplate.spec['volumes']).toEqual([{ name: vol, emptyDir: { medium: 'Memory' } }]);
    expect(containerOf(c)['volumeMounts']).toEqual([{ name: vol, mountPath: '/data', subPath: 'sub/dir', readOnly: true }]);
  });

  it('accepts the resource uid as a literal source; readOnly false and an empty path are left out, as the API server drops them', () => {
    const c = convert(withMain({ volumes: { '/data': { source: 'volume.default#example.data', readOnly: false, path: '' } } }), { resources: { data } });
    expect(containerOf(c)['volumeMounts']).toEqual([{ name: vol, mountPath: '/data' }]);
  });

  it('decodes the source as a VolumeSource: what the API server drops is left out', () => {
    const claim: ProvisionedResource = { uid: data.uid, provisioner: 'volume', outputs: { source: { persistentVolumeClaim: { claimName: 'shared', readOnly: false } } } };
    const c = convert(withMain({ volumes: { '/data': { source: '${resources.data}' } } }), { resources: { data: claim } });
    expect(c.podTemplate.spec['volumes']).toEqual([{ name: vol, persistentVolumeClaim: { claimName: 'shared' } }]);
    // The resource's outputs are not changed (other placeholders may read them).
    expect(claim.outputs).toEqual({ source: { persistentVolumeClaim: { claimName: 'shared', readOnly: false } } });
  });

  it('mounts volumes before files, both in sorted target order', () => {
    const c = convert(
      withMain({
        files: { '/etc/f': { content: 'x' } },
        volumes: { '/z': { source: '${resources.data}' }, '/a': { source: '${resources.data}' } },
      }),
      { resources: { data } },
    );
    expect(containerOf(c)['volumeMounts']).toEqual([
      { name: `vol-${h10('main', '/a')}`, mountPath: '/a' },
      { name: `vol-${h10('main', '/z')}`, mountPath: '/z' },
      { name: fileVolume('main', '/etc/f'), mountPath: '/etc', readOnly: true },
    ]);
  });

  it('substitutes other placeholders in the source, which must then name a resource uid', () => {
    const names: ProvisionedResource = { uid: 'names.default#example.names', provisioner: 'names', outputs: { volume: 'volume.default#example.data' } };
    const c = convert(withMain({ volumes: { '/data': { source: '${resources.names.volume}' } } }), { resources: { data, names } });
    expect(c.podTemplate.spec['volumes']).toEqual([{ name: vol, emptyDir: { medium: 'Memory' } }]);
    expect(convertError(withMain({ volumes: { '/data': { source: '${resources.names.nope}' } } }), { resources: { data, names } })).toBe(
      "containers.main.volumes./data.source: invalid ref 'resources.names.nope': key 'nope' not found",
    );
  });

  it('rejects files whose folder is already the mount path of a volume', () => {
    expect(convertError(withMain({ volumes: { '/etc/app': { source: '${resources.data}' } }, files: { '/etc/app/b': { content: 'b' }, '/etc/app/a': { content: 'a' } } }), { resources: { data } })).toBe(
      "containers.main.files./etc/app/a: its folder '/etc/app' is already the mount path of a volume",
    );
  });

  it('rejects an unknown resource', () => {
    expect(convertError(withMain({ volumes: { '/data': { source: '${resources.nope}' } } }), { resources: { data } })).toBe(
      "containers.main.volumes./data.source: invalid ref 'resources.nope': no known resource 'nope'",
    );
    expect(convertError(withMain({ volumes: { '/data': { source: 'volume.default#other' } } }), { resources: { data } })).toBe(
      "containers.main.volumes./data.source: resource 'volume.default#other' does not exist",
    );
  });

  it('rejects outputs with an extra key, neither key, both keys, or an empty one', () => {
    const prefix = "containers.main.volumes./data.source: resource 'volume.default#example.data' (provisioner 'volume') outputs cannot be used as a volume: ";
    expect(volumeError('${resources.data}', { source: { emptyDir: {} }, fruit: 'apple' })).toBe(
      `${prefix}unknown output 'fruit' (expected 'source' or 'claimSpec')`,
    );
    expect(volumeError('${resources.data}', {})).toBe(`${prefix}either 'source' or 'claimSpec' required`);
    expect(volumeError('${resources.data}', { source: { emptyDir: {} }, claimSpec: { accessModes: ['ReadWriteOnce'] } })).toBe(
      `${prefix}either 'source' or 'claimSpec' required`,
    );
    expect(volumeError('${resources.data}', { source: {} })).toBe(`${prefix}source is empty`);
    expect(volumeError('${resources.data}', { source: null })).toBe(`${prefix}source is empty`);
    expect(volumeError('${resources.data}', { claimSpec: {} })).toBe(`${prefix}claimSpec is empty`);
  });

  it('rejects a source or claimSpec that is not a Kubernetes VolumeSource / PersistentVolumeClaimSpec, naming the field', () => {
    const prefix = "containers.main.volumes./data.source: resource 'volume.default#example.data' (provisioner 'volume') outputs cannot be used as a volume: ";
    expect(volumeError('${resources.data}', { source: { emptyDir: { fruit: 'banana' } } })).toBe(
      `${prefix}source.emptyDir: unknown field 'fruit' (source must be a Kubernetes VolumeSource)`,
    );
    expect(volumeError('${resources.data}', { source: 'pvc' })).toBe(`${prefix}source: must be object (source must be a Kubernetes VolumeSource)`);
    const statefulSet = { metadata: { name: 'example', annotations: { 'k8s.score.dev/kind': 'StatefulSet' } } };
    expect(
      convertError(withMain({ volumes: { '/data': { source: '${resources.data}' } } }, statefulSet), {
        resources: { data: { uid: data.uid, provisioner: 'volume', outputs: { claimSpec: { accessModes: ['ReadWriteOnce'], fruit: 'banana' } } } },
      }),
    ).toBe(`${prefix}claimSpec: unknown field 'fruit' (claimSpec must be a Kubernetes PersistentVolumeClaimSpec)`);
  });
});
