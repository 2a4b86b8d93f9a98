import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateService } from '../generate';
import { libyamlAvailable, readWithLibyaml, useTempDir } from '../test-support';
import { renderScoreFile } from '../render-workload';
import { escapedDoubleQuoted, stringifyDocument, toCanonicalYaml } from './canonical-yaml';

const workspace = fileURLToPath(new URL('../../../../', import.meta.url));
const LIBYAML_NOTE = "python3 with PyYAML's libyaml binding (yaml.CSafeLoader) is not installed";

/** Our own reading: the `yaml` library, YAML 1.2 core schema, the way the validator and the tests read outputs. */
function readOurs(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors[0]!.message);
    return d.toJS();
  });
}

/** Characters a YAML 1.1 or 1.2 reader treats as a line break or forbids raw (issue 11, "Build" point 2). */
const DANGEROUS = ['\u2028', '\u2029', '\u0085', '\u0000', '\u0001', '\u0007', '\u000b', '\u000c', '\r', '\u001b', '\u001f', '\u007f', '\u0080', '\u009f', '\ufeff', '\ufffe', '\uffff'];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];

describe('the YAML 1.1-safe writer', () => {
  it('writes a U+2028 inside a multi-line value double-quoted, never as a block literal that a YAML 1.1 reader splits', () => {
    const value = 'a\nb\u2028          securityContext: {privileged: true}';
    const yaml = stringifyDocument({ env: [{ name: 'ZZZ', value }] });
    expect(yaml).toBe('env:\n  - name: ZZZ\n    value: "a\\nb\\u2028          securityContext: {privileged: true}"\n');
    expect(readOurs(yaml)).toEqual([{ env: [{ name: 'ZZZ', value }] }]);
  });

  it('escapes every dangerous character, in keys and values, and keeps printable non-ASCII raw', () => {
    expect(escapedDoubleQuoted('\u0000\u007f\u0085\u2029\ufeff\ufffe\ud800"\\\t\né😀')).toBe('"\\x00\\x7F\\x85\\u2029\\uFEFF\\uFFFE\\uD800\\"\\\\\\t\\né😀"');
    const yaml = stringifyDocument({ 'k\u2028': 'v\u0085' });
    expect(yaml).toBe('"k\\u2028": "v\\x85"\n');
  });

  it('keeps a line of blanks or a trailing blank out of block literals', () => {
    expect(stringifyDocument({ v: ' \n' })).toBe('v: "\\ \\n"\n');
    expect(stringifyDocument({ v: 'a \nb' })).toBe('v: "a\\ \\nb"\n');
    expect(stringifyDocument({ v: 'a\n  b\n' })).toBe('v: |\n  a\n    b\n');
  });

  it('does not confuse user text that looks like its placeholder with a placeholder', () => {
    const value = { a: 'scorenxescaped0x0z', b: '\u2028' };
    expect(readOurs(stringifyDocument(value))).toEqual([value]);
  });

  it('round-trips strings made of dangerous characters exactly through our reader (property)', () => {
    const piece = fc.constantFrom(...DANGEROUS, ...LONE_SURROGATES, '\n', ' ', '\t', 'a', ':', '#', '"', "'", '\\', '- ', 'é', '😀', 'x: y', '|', '---');
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 4 }), text, (map, value) => {
        const doc = { map, list: [value], value };
        const yaml = stringifyDocument(doc);
        expect(readOurs(yaml)).toEqual([JSON.parse(JSON.stringify(doc))]);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });

  it.skipIf(!libyamlAvailable)(`round-trips the same strings through libyaml, a YAML 1.1 reader (property; skipped when ${LIBYAML_NOTE})`, () => {
    // libyaml refuses lone surrogates even escaped; the engine rejects them on input (they cannot come from UTF-8).
    const piece = fc.constantFrom(...DANGEROUS, '\n', ' ', '\t', 'a', ':', '#', '"', "'", '\\', '- ', 'é', '😀', 'x: y', '|', '---', 'yes', 'on', '0x1', '1e3', '~');
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    const samples = fc.sample(fc.record({ map: fc.dictionary(text, text, { maxKeys: 4 }), value: text }), { seed: 11, numRuns: 1500 });
    const docs = samples.map((s) => toCanonicalYaml([s]));
    const read = readWithLibyaml(docs);
    read.forEach((r, i) => expect({ input: samples[i], read: r }).toEqual({ input: samples[i], read: [samples[i]] }));
  });
});

describe.skipIf(!libyamlAvailable)(`every rendered output reads back identically with libyaml and with our reader (skipped when ${LIBYAML_NOTE})`, () => {
  it('the example services in every environment they deploy to, the provisioner goldens and the every-field fixture', () => {
    const texts: Array<{ name: string; yaml: string; meant?: unknown[] }> = [];
    for (const service of readdirSync(join(workspace, 'services')).sort()) {
      for (const env of ['dev', 'staging', 'prod']) {
        try {
          const r = generateService({ workspaceRoot: workspace, serviceDir: `services/${service}`, environment: env });
          texts.push({ name: `${service}/${env}`, yaml: r.yaml, meant: JSON.parse(JSON.stringify(r.objects)) });
        } catch (err) {
          if (!/does not deploy to environment/.test((err as Error).message)) throw err;
        }
      }
    }
    for (const folder of readdirSync(join(workspace, 'provisioners')).sort()) {
      let goldens: string[] = [];
      try {
        goldens = readdirSync(join(workspace, 'provisioners', folder, '__golden__')).sort();
      } catch {
        continue;
      }
      for (const g of goldens) texts.push({ name: `${folder}/${g}`, yaml: readFileSync(join(workspace, 'provisioners', folder, '__golden__', g), 'utf8') });
    }
    texts.push({ name: 'every-field', yaml: readFileSync(join(workspace, 'packages/engine/src/__fixtures__/every-field/expected.yaml'), 'utf8') });
    expect(texts.length).toBeGreaterThan(20);
    const read = readWithLibyaml(texts.map((t) => t.yaml));
    texts.forEach((t, i) => {
      const ours = readOurs(t.yaml);
      expect({ name: t.name, docs: read[i] }).toEqual({ name: t.name, docs: ours });
      if (t.meant) expect({ name: t.name, docs: ours }).toEqual({ name: t.name, docs: t.meant });
    });
  });

  it('a hostile Score file: U+2028, NEL, DEL, C1 and U+FFFE in variables, files content and annotations stay values', () => {
    const dir = useTempDir();
    const value = 'a\nb\u2028          securityContext: {privileged: true}';
    const score = {
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'evil', annotations: { 'example.com/note': 'n\u0085l\u007f\u0080\ufffe' } },
      containers: { web: { image: 'nginx', variables: { ZZZ: value }, files: { '/etc/x.conf': { content: `k: v\n\u2029  privileged: true\n` } } } },
    };
    writeFileSync(join(dir, 'score.yaml'), JSON.stringify(score));
    const { yaml, objects } = renderScoreFile(join(dir, 'score.yaml'), 'score.yaml');
    expect(yaml).not.toMatch(/[\u2028\u2029\u0085\u007f\u0080\ufffe]/);
    const [libyaml] = readWithLibyaml([yaml]);
    expect(libyaml).toEqual(JSON.parse(JSON.stringify(objects)));
    expect(JSON.stringify(libyaml)).not.toContain('"privileged":true');
  });
});
