import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parse, parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderManifests } from './pipeline/assemble';
import { encodeSecretRef } from './convert/secrets';
import { convertWorkload } from './convert/workload';
import type { ProvisionedResource } from './convert/workload';
import { DocumentError } from './errors';
import { parseScore } from './score/load-score';
import type { ScoreWorkload } from './score/types';
import { h10, thrown, useTempDir } from './test-support';
import { readSourceInside } from './util/files';
import { applyImages, instanceSuffix, renderScoreFile } from './render-workload';

const FIXTURE = join(__dirname, '__fixtures__', 'every-field');
const SCORE = join(FIXTURE, 'score.yaml');
const EXPECTED = join(FIXTURE, 'expected.yaml');
const SCORE_TEXT = readFileSync(SCORE, 'utf8');

/** What provisioners would return for the fixture's resources: volumes, a claim, plain outputs and secret refs. */
const OUTPUTS: Record<string, Record<string, unknown>> = {
  db: {
    host: 'every-field-db.team-a.svc',
    port: 5432,
    username: encodeSecretRef('every-field-db', 'username'),
    password: encodeSecretRef('every-field-db', 'password'),
  },
  cache: { claimSpec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } },
  tls: { cert: encodeSecretRef('every-field-tls', 'tls.crt') },
  shared: { source: { persistentVolumeClaim: { claimName: 'shared-data' } } },
};

function stubResources(workload: ScoreWorkload): Record<string, ProvisionedResource> {
  return Object.fromEntries(
    Object.entries(workload.resources ?? {}).map(([name, r]) => [
      name,
      { uid: `${r.type}.${r.class ?? 'default'}#${r.id ?? `${workload.metadata.name}.${name}`}`, provisioner: r.type, outputs: OUTPUTS[name]! },
    ]),
  );
}

/** renderScoreFile's pipeline, with stub resources in place of provisioners. */
function renderEveryField(text: string): string {
  const score = parseScore(text, SCORE, 'every-field/score.yaml');
  const workload = applyImages(score, { sidecar: 'busybox:1.36' });
  const converted = convertWorkload(workload, {
    instanceSuffix: instanceSuffix(workload.metadata.name, 'dev'),
    namespace: 'team-a',
    metadata: { ...workload.metadata },
    resources: stubResources(workload),
    readSource: (source, path) => readSourceInside(FIXTURE, SCORE, source, path),
  });
  const origin = `workload '${workload.metadata.name}'`;
  return renderManifests([...converted.configMaps, ...converted.services, converted.controller].map((object) => ({ object, origin }))).yaml;
}

describe('golden: every field', () => {
  it('renders byte for byte as expected.yaml', () => {
    const yaml = renderEveryField(SCORE_TEXT);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(EXPECTED, yaml);
    expect(yaml).toBe(readFileSync(EXPECTED, 'utf8'));
  });

  it('names objects and volumes by the documented hashes', () => {
    const yaml = readFileSync(EXPECTED, 'utf8');
    const names = [
      `every-field-${h10('every-field', 'dev')}`,
      `vol-${h10('web', '/srv/shared')}`,
      `vol-${h10('web', '/var/cache/nginx')}`,
      `file-${h10('web', '/etc/nginx/conf.d/default.conf')}`,
      `file-${h10('web', '/etc/tls/tls.crt')}`,
      `proj-${h10('web', '/usr/share/nginx/html')}`,
      `file-${h10('sidecar', '/etc/sidecar/config.json')}`,
      `every-field-web-file-${h10('web', '/usr/share/nginx/html/favicon.ico')}`,
      `every-field-web-file-${h10('web', '/usr/share/nginx/html/index.html')}`,
      `every-field-web-file-${h10('web', '/usr/share/nginx/html/raw.html')}`,
    ];
    expect(names.filter((n) => !yaml.includes(n))).toEqual([]);
  });

  it('has no secret marker, no status and no empty-object artefacts left', () => {
    const yaml = readFileSync(EXPECTED, 'utf8');
    expect(yaml).not.toContain('🔐');
    expect(yaml).not.toMatch(/^\s*status:/m);
    expect(yaml).not.toContain('{}');
  });
});

/** Seeded PRNG (mulberry32), so that a failing shuffle can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, shuffleKeys((value as Record<string, unknown>)[k], random)]));
}

describe('determinism', () => {
  it('renders the same input 50 times to one output', () => {
    const outputs = new Set(Array.from({ length: 50 }, () => renderEveryField(SCORE_TEXT)));
    expect(outputs.size).toBe(1);
  });

  it('renders the same bytes whatever the key order of the input', () => {
    const data = parse(SCORE_TEXT) as unknown;
    const expected = renderEveryField(stringify(data));
    expect(expected).toBe(readFileSync(EXPECTED, 'utf8'));
    const texts = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const text = stringify(shuffleKeys(data, prng(seed)));
      texts.add(text);
      expect(renderEveryField(text), `seed ${seed}`).toBe(expected);
    }
    expect(texts.size).toBe(20);
  });
});

describe('YAML 1.1 safety', () => {
  const AMBIGUOUS = ['on', 'yes', '010', '1_000', '12:30:00', '0o17', '~', 'null', '1e3', 'Off', 'y', '0x1F', '.inf', '-1', '+1', '<<', ''];

  it('quotes strings a YAML 1.1 reader would take for another type', () => {
    const dir = useTempDir();
    const file = join(dir, 'score.yaml');
    const variables = Object.fromEntries(AMBIGUOUS.map((v, i) => [`V${String(i).padStart(2, '0')}`, v]));
    writeFileSync(file, stringify({ apiVersion: 'score.dev/v1b1', metadata: { name: 'quotes' }, containers: { main: { image: 'nginx', variables } } }));
    const { yaml } = renderScoreFile(file, 'score.yaml');
    const docs = yaml.split(/^---\n/m).slice(1);
    expect(docs).toHaveLength(1);
    const env = (parse(docs[0]!, { version: '1.1' }) as { spec: { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> } } } })
      .spec.template.spec.containers[0]!.env;
    expect(env).toEqual(AMBIGUOUS.map((v, i) => (v === '' ? { name: `V${String(i).padStart(2, '0')}` } : { name: `V${String(i).padStart(2, '0')}`, value: v })));
    for (const v of AMBIGUOUS.filter((x) => x !== '' && x !== '<<')) expect(yaml).toContain(`value: "${v}"\n`);
    expect(yaml).toContain('value: !!str "<<"\n');
    const doc = parseDocument(docs[0]!, { version: '1.1' });
    expect(doc.errors).toEqual([]);
    expect(isMap(doc.contents)).toBe(true);
  });
});

/** A Score file `tiny` in a temp folder, whose container `main` has these (indented) lines. */
function tinyScore(mainLines: string): string {
  const file = join(useTempDir(), 'score.yaml');
  writeFileSync(file, `apiVersion: score.dev/v1b1\nmetadata:\n  name: tiny\ncontainers:\n  main:\n${mainLines}`);
  return file;
}

const renderError = (file: string) => thrown(() => renderScoreFile(file, 's.yaml'), DocumentError).message;

describe('renderScoreFile', () => {
  it('refuses resources, which need provisioners', () => {
    expect(thrown(() => renderScoreFile(SCORE, 'every-field/score.yaml'), DocumentError).message).toBe(
      'every-field/score.yaml:96:3: resources.db: resources need a provisioner library: use `score-nx generate <service> --env <environment>`',
    );
  });

  it('renders a resource-free workload with the instance suffix of its environment', () => {
    const file = tinyScore('    image: "."\n');
    const { objects, yaml, score } = renderScoreFile(file, 'tiny/score.yaml', { images: { main: 'nginx:1' }, environment: 'prod' });
    const instance = `tiny-${h10('tiny', 'prod')}`;
    expect(score.file).toBe('tiny/score.yaml');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/tiny']);
    expect(yaml).toBe(
      [
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  annotations:',
        '    k8s.score.dev/workload-name: tiny',
        '  labels:',
        `    app.kubernetes.io/instance: ${instance}`,
        '    app.kubernetes.io/managed-by: score-nx',
        '    app.kubernetes.io/name: tiny',
        '  name: tiny',
        'spec:',
        '  selector:',
        '    matchLabels:',
        `      app.kubernetes.io/instance: ${instance}`,
        '  template:',
        '    metadata:',
        '      annotations:',
        '        k8s.score.dev/workload-name: tiny',
        '      labels:',
        `        app.kubernetes.io/instance: ${instance}`,
        '        app.kubernetes.io/managed-by: score-nx',
        '        app.kubernetes.io/name: tiny',
        '    spec:',
        '      containers:',
        '        - image: nginx:1',
        '          name: main',
        '',
      ].join('\n'),
    );
  });

  it('defaults the environment to `default`', () => {
    expect(instanceSuffix('hello-web', 'default')).toBe(`-${h10('hello-web', 'default')}`);
    expect(renderScoreFile(tinyScore('    image: nginx\n'), 's').yaml).toContain(`app.kubernetes.io/instance: tiny-${h10('tiny', 'default')}\n`);
  });

  it('places image and conversion errors in the file', () => {
    expect(renderError(tinyScore('    image: "."\n'))).toBe(
      "s.yaml:6:5: containers.main.image: container 'main' has image '.' and no image is configured for it",
    );
    expect(renderError(tinyScore('    image: x\n    variables:\n      X: ${metadata.nope}\n'))).toBe(
      "s.yaml:8:7: containers.main.variables.X: invalid ref 'metadata.nope': key 'nope' not found (did you mean 'name'?)",
    );
    expect(renderError(tinyScore('    image: x\n    files:\n      /etc/x:\n        source: ../../etc/passwd\n'))).toBe(
      "s.yaml:9:9: containers.main.files./etc/x.source: source '../../etc/passwd' leaves the service folder",
    );
  });

  it('exposes extra metadata under the workload own', () => {
    const file = tinyScore('    image: x\n    variables:\n      R: ${metadata.region}-${metadata.name}\n');
    expect(renderScoreFile(file, 's', { metadata: { region: 'eu-west-1', name: 'ignored' } }).yaml).toContain('value: eu-west-1-tiny\n');
  });
});
