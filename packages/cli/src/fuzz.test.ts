import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libyamlAvailable, readWithLibyaml } from '@score-nx/engine/testing';
import type { CliIo } from './io';
import { run } from './main';

/**
 * The hostile-input campaign of issue 11, kept: mutated Score files, service configs and params go through the
 * CLI, and the invariants must hold for every one of them. Fixed seed; the time budget is SCORE_NX_FUZZ_SECONDS
 * (60 in CI, 8 locally by default).
 */
const REPO = resolve(__dirname, '../../..');
const BUDGET_MS = 1000 * Number(process.env['SCORE_NX_FUZZ_SECONDS'] ?? (process.env['CI'] ? 60 : 8));

const HOSTILE_STRINGS = [
  'a\nb\u2028          securityContext: {privileged: true}', '\u2029', '\u0085', '\u007f', '\u0080', '\ufffe', '\ufeff', ' \n', '\r\n',
  '${resources.constructor}', '${resources.__proto__}', '${resources.toString}', '${metadata.constructor}', '🔐💬other_password💬🔐',
  '../../../services/x', '/etc/passwd', '*', 'kube-system', '\u001b[31m', '', 'yes', '0x1F', '<<', '- x', '{a: 1}', '$${x}',
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'web', 'x.io/y', 'a\u2028b'];
const HOSTILE_NUMBERS = ['12345678901234567890123', '3.10', '1e400', '-0', '0o17', '.inf', '1_000'];

const base = () => ({
  apiVersion: 'score.dev/v1b1',
  metadata: { name: 'fuzz', engineNamespace: 'payments', level1System: 'checkout', repoSlug: 'MyOrg/fuzz' } as Record<string, unknown>,
  containers: { web: { image: 'nginx', variables: { A: 'b' } as Record<string, unknown>, files: { '/etc/c.conf': { content: 'k: v\n' } } } } as Record<string, unknown>,
  resources: {
    config: { type: 'configmap', params: { configData: { K: 'v' } as Record<string, unknown> } },
    secrets: { type: 'cloud-secret', params: { name: 'payments/fuzz/app' } as Record<string, unknown> },
    identity: { type: 'pod-identity' },
  } as Record<string, unknown>,
});

type Mutation = { where: 'metadata' | 'variables' | 'configData' | 'secretParams' | 'containers' | 'resources'; key: string; value: unknown };
const value = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 12 }), fc.integer(), fc.constant(null), fc.constant({}), fc.constant([]));
const mutation: fc.Arbitrary<Mutation> = fc.record({
  where: fc.constantFrom('metadata', 'variables', 'configData', 'secretParams', 'containers', 'resources'),
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS, 'name', 'externalSecretsRoleArn', 'domain', 'engineNamespace', 'image', 'source'), fc.string({ maxLength: 6 })),
  value,
});

/** A Score file text: mutated as an object, then (sometimes) as text: a raw number, bytes spliced in. */
const scoreText = fc.record({
  mutations: fc.array(mutation, { maxLength: 4 }),
  rawNumber: fc.option(fc.constantFrom(...HOSTILE_NUMBERS)),
  splice: fc.option(fc.record({ at: fc.nat(), text: fc.constantFrom('\u0000', '\uFFFD', '\t', ': ', '\n  - ', '&a [*a, *a]', '"', '#', '\\') })),
}).map(({ mutations, rawNumber, splice }) => {
  const doc = base();
  for (const m of mutations) {
    const res = doc.resources as Record<string, { params?: Record<string, unknown> }>;
    const target: Record<string, unknown> =
      m.where === 'metadata' ? doc.metadata
      : m.where === 'variables' ? (doc.containers['web'] as { variables: Record<string, unknown> }).variables
      : m.where === 'configData' ? (res['config']!.params!['configData'] as Record<string, unknown>)
      : m.where === 'secretParams' ? res['secrets']!.params!
      : m.where === 'containers' ? (doc.containers['web'] as Record<string, unknown>)
      : doc.resources;
    Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  let text = JSON.stringify(doc, null, 2);
  if (rawNumber) text = text.replace('"K": "v"', `"K": ${rawNumber}`);
  if (splice) {
    const at = splice.at % (text.length + 1);
    text = text.slice(0, at) + splice.text + text.slice(at);
  }
  return text;
});

/** A service config: a fixed hostile one, or generated environments with images, library versions and overrides. */
const configValue = fc.oneof(value, fc.constantFrom(...HOSTILE_NUMBERS.map(Number)));
const generatedConfig = fc
  .dictionary(
    fc.constantFrom('dev', 'prod', 'staging', '__proto__', 'constructor', 'nope'),
    fc.record(
      {
        provisioners: fc.constantFrom<unknown>('workspace', '1.0.0', '9.9.9', '', 'latest', '../x', 3.1, null),
        images: fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), configValue, { maxKeys: 3 }),
        overrides: fc.dictionary(
          fc.oneof(
            fc.constantFrom('containers.web.variables.A', 'containers.web.image', 'metadata.externalSecretsRoleArn', 'metadata.engineNamespace', 'metadata.name', 'resources.secrets.params.name', 'resources.config.params.configData.K', 'resources.identity.type', 'containers.web.files./etc/c\\.conf.source', 'resources.__proto__.type'),
            fc.string({ maxLength: 8 }),
          ),
          configValue,
          { maxKeys: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
    { maxKeys: 3 },
  )
  .map((environments) => {
    // An own __proto__ key survives JSON.stringify only when it was defined as a property.
    const envs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(environments)) Object.defineProperty(envs, k, { value: v, enumerable: true, writable: true, configurable: true });
    return JSON.stringify({ environments: envs }, null, 2);
  });
const serviceConfig = fc.option(
  fc.oneof(
    fc.constantFrom('environments:\n  dev: {}\n', 'environments:\n  dev:\n    images:\n      toString: x\n', 'environments:\n  dev:\n    provisioners: 9.9.9\n', 'environments: {dev: {images: {web: "\u2028"}}}\n', 'environments:\n  __proto__: {}\n', 'environments:\n  dev: {provisioners: 3.10}\n'),
    generatedConfig,
  ),
);

/**
 * Run first, whatever the budget: renders that succeed (most mutations are refused, and a loaded machine may get
 * through few of them), so the read-back invariant always has outputs holding the hostile characters.
 */
const hostileValues = (doc: ReturnType<typeof base>) => {
  const web = doc.containers['web'] as { variables: Record<string, unknown>; files: Record<string, { content: string }> };
  web.variables['ZZZ'] = HOSTILE_STRINGS[0];
  web.files['/etc/c.conf']!.content = `k: v\n\u2029  privileged: true\n \n`;
  ((doc.resources['config'] as { params: { configData: Record<string, unknown> } }).params.configData)['L'] = 'a\u0085b\u007fc\u0080d\ufffe';
  doc.metadata['annotations'] = { 'example.com/note': 'x\ny\u2028z' };
  return doc;
};
const EXAMPLES: Array<[string, string | null, string | undefined]> = [
  [JSON.stringify(base(), null, 2), null, 'dev'],
  [JSON.stringify(hostileValues(base()), null, 2), null, 'prod'],
  [JSON.stringify(hostileValues(base()), null, 2), 'environments:\n  dev:\n    images:\n      web: "registry.example.com/web:1"\n    overrides:\n      containers.web.variables.A: "o\\u2028p"\n', 'dev'],
];

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'score-nx-fuzz-'));
  cpSync(join(REPO, 'environments'), join(root, 'environments'), { recursive: true });
  for (const file of readdirSync(join(root, 'environments'))) {
    const path = join(root, 'environments', file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^provisioners: .*$/m, 'provisioners: workspace'));
  }
  cpSync(join(REPO, 'provisioners'), join(root, 'provisioners'), { recursive: true, filter: (src) => !src.includes('node_modules') && !src.endsWith('.test.ts') && !src.includes('__golden__') });
  writeFileSync(join(root, 'nx.json'), '{}\n');
  mkdirSync(join(root, 'services/svc'), { recursive: true });
  mkdirSync(join(root, 'out'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every path under the root (files with size and mtime), but the output folder and the files each run writes. */
function tree(dir: string): string[] {
  const written = new Set(['out', join('services', 'svc', 'score.yaml'), join('services', 'svc', 'service-config.yaml')]);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => !written.has(p) && !p.startsWith(`out${sep}`))
    .map((p) => {
      const st = lstatSync(join(dir, p));
      // A folder's mtime moves with the files each run writes and removes; its entries are listed anyway.
      return st.isDirectory() ? `${p}/` : `${p} ${st.size} ${st.mtimeMs}`;
    })
    .sort();
}

async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: root, env: {} };
  return { code: await run(argv, io), stderr };
}

describe('fuzz: mutated Score files, service configs and params (issue 11)', () => {
  it(`keeps the invariants: exit 0 or 1, no stack trace, a message positioned in the file, nothing written elsewhere, output read back identically by YAML 1.2 and 1.1 readers (budget ${BUDGET_MS / 1000} s)`, async () => {
    const before = tree(root);
    const outputs: string[] = [];
    let runs = 0;
    const codes: number[] = [];
    await fc.assert(
      fc.asyncProperty(scoreText, serviceConfig, fc.constantFrom<string | undefined>('dev', 'prod', undefined), async (score, config, env) => {
        runs++;
        rmSync(join(root, 'out'), { recursive: true, force: true });
        mkdirSync(join(root, 'out'));
        writeFileSync(join(root, 'services/svc/score.yaml'), score);
        rmSync(join(root, 'services/svc/service-config.yaml'), { force: true });
        if (config) writeFileSync(join(root, 'services/svc/service-config.yaml'), config);
        const { code, stderr } = await cli(['generate', 'services/svc', '-q', '-o', 'out/manifests.yaml', ...(env ? ['--env', env] : [])]);
        expect({ code, stderr: stderr.slice(0, 400) }).toEqual({ code: code === 0 ? 0 : 1, stderr: stderr.slice(0, 400) });
        expect(stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
        // A positioned message: every line names the file the culprit is in, with its line and column.
        if (code === 1) for (const line of stderr.trimEnd().split('\n')) expect(line).toMatch(/^services\/svc\/(score\.yaml|service-config\.yaml):\d+:\d+: \S/);
        codes.push(code);
        expect(tree(root)).toEqual(before);
        expect(readdirSync(join(root, 'out'))).toEqual(code === 0 ? ['manifests.yaml'] : []);
        if (code === 0) {
          const text = readFileSync(join(root, 'out/manifests.yaml'), 'utf8');
          for (const d of parseAllDocuments(text)) expect(d.errors).toEqual([]);
          outputs.push(text);
        }
      }),
      { seed: 1111, numRuns: 1_000_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false, examples: EXAMPLES },
    );
    expect(runs).toBeGreaterThan(10);
    // The examples run first, and render.
    expect(codes.slice(0, EXAMPLES.length)).toEqual(EXAMPLES.map(() => 0));
    // Some mutations must render, or the read-back invariant would never be exercised.
    expect(outputs.length).toBeGreaterThan(0);
    if (libyamlAvailable) {
      const read = readWithLibyaml(outputs);
      outputs.forEach((text, i) => expect(read[i]).toEqual(parseAllDocuments(text).map((d) => d.toJS())));
    }
  }, BUDGET_MS + 120_000);
});
