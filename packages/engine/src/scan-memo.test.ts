import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryVersionFor } from './environments/service-config';
import type { EnvironmentDefinition } from './environments/environments';
import { ScanMemo } from './scan-memo';
import { readScoreData, scanServices } from './sharing';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'score-nx-scan-memo-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const score = (name: string, extra = '') => `apiVersion: score.dev/v1b1\nmetadata:\n  name: ${name}\n  team: t1\ncontainers:\n  web: {image: nginx}\n${extra}`;
const FILES = {
  'services/a/score.yaml': score('a', 'resources:\n  db: {type: postgres, id: shared-db}\n  n: {type: thing, class: big, params: {x: .inf}}\n'),
  'services/a/service-config.yaml': 'environments:\n  dev: {provisioners: 1.2.0, images: {web: nginx:1}}\n  prod: {}\n',
  'services/b/score.yaml': score('b'),
  'services/broken/score.yaml': 'metadata: [unclosed\n',
  'services/badconfig/score.yaml': score('badconfig'),
  'services/badconfig/service-config.yaml': 'environments:\n  dev: {provisioners: 7}\n',
};

/** What a scan yields, as plain data (the lazy `source` of a config left out: it is compared apart). */
const plain = (root: string, memo?: { file: string; salt: string }) =>
  scanServices(root, memo).map((s) => ({ ...s, config: s.config && { file: s.config.file, environments: s.config.environments } }));

describe('scanServices with a memo (content-keyed parses kept between processes)', () => {
  it('gives exactly what a scan without the memo gives, the first time and from the memo', () => {
    const root = workspace(FILES);
    const memo = { file: join(root, '.nx/workspace-data/scan.bin'), salt: 'engine-1' };
    const expected = plain(root);
    expect(expected.map((s) => s.name)).toEqual(['a', 'b']);
    expect(expected[0]!.config).toEqual({ file: 'services/a/service-config.yaml', environments: { dev: { provisioners: '1.2.0' }, prod: {} } });
    expect(expected[0]!.resources['n']).toEqual({ type: 'thing', class: 'big', params: { x: Infinity } });
    expect(plain(root, memo)).toEqual(expected);
    expect(existsSync(memo.file)).toBe(true);
    const written = statSync(memo.file).mtimeMs;
    expect(plain(root, memo)).toEqual(expected);
    // Nothing new was parsed: the memo is not rewritten.
    expect(statSync(memo.file).mtimeMs).toBe(written);
  });

  it('reads a changed file again: the memo is keyed by content, not by path or time', () => {
    const root = workspace(FILES);
    const memo = { file: join(root, 'memo.bin'), salt: 's' };
    plain(root, memo);
    writeFileSync(join(root, 'services/b/score.yaml'), score('b-renamed'));
    writeFileSync(join(root, 'services/a/service-config.yaml'), 'environments:\n  staging: {}\n');
    writeFileSync(join(root, 'services/broken/score.yaml'), score('fixed'));
    const scanned = plain(root, memo);
    expect(scanned.map((s) => s.name)).toEqual(['a', 'b-renamed', 'fixed']);
    expect(scanned[0]!.config!.environments).toEqual({ staging: {} });
    expect(scanned).toEqual(plain(root));
  });

  it('ignores a memo written under another salt, and a corrupt or truncated one', () => {
    const root = workspace(FILES);
    const file = join(root, 'memo.bin');
    plain(root, { file, salt: 'old-engine' });
    // A memo entry that lies about a file's parse is believed only under its own salt.
    writeFileSync(join(root, 'services/b/score.yaml'), score('b2'));
    expect(plain(root, { file, salt: 'new-engine' }).map((s) => s.name)).toEqual(['a', 'b2']);
    for (const bytes of [Buffer.from('not a memo'), readFileSync(file).subarray(0, 20), Buffer.alloc(0)]) {
      writeFileSync(file, bytes);
      expect(plain(root, { file, salt: 'new-engine' })).toEqual(plain(root));
    }
  });

  it('never takes a symlinked service config from the memo: the loader checks where it leads every time', () => {
    const outside = workspace({ 'config.yaml': 'environments:\n  dev: {}\n' });
    const root = workspace({ 'services/s/score.yaml': score('s'), 'services/s/service-config.yaml': 'environments:\n  dev: {}\n' });
    const memo = { file: join(root, 'memo.bin'), salt: 's' };
    expect(plain(root, memo).map((s) => s.name)).toEqual(['s']);
    // The same bytes, now through a symlink out of the service folder: the scan leaves the service out, as
    // loadServiceConfig refuses it, although the memo holds a parse of exactly these bytes.
    rmSync(join(root, 'services/s/service-config.yaml'));
    symlinkSync(join(outside, 'config.yaml'), join(root, 'services/s/service-config.yaml'));
    expect(plain(root, memo)).toEqual([]);
  });

  it('keeps only the entries the last scan used', () => {
    const root = workspace(FILES);
    const file = join(root, 'memo.bin');
    plain(root, { file, salt: 's' });
    const before = readFileSync(file).length;
    rmSync(join(root, 'services/a'), { recursive: true });
    plain(root, { file, salt: 's' });
    expect(readFileSync(file).length).toBeLessThan(before);
  });

  it('still scans when the memo cannot be written', () => {
    const root = workspace(FILES);
    // A file where the memo's folder would be (permissions would not stop root, who runs many CI jobs).
    writeFileSync(join(root, 'not-a-folder'), '');
    expect(plain(root, { file: join(root, 'not-a-folder/sub/memo.bin'), salt: 's' })).toEqual(plain(root));
    expect(existsSync(join(root, 'not-a-folder/sub'))).toBe(false);
  });

  it('gives a config from the memo the positions an error needs, as the loader does', () => {
    const root = workspace({ 'services/s/score.yaml': score('s'), 'services/s/service-config.yaml': 'environments:\n  dev:\n    provisioners: latest\n' });
    const memo = { file: join(root, 'memo.bin'), salt: 's' };
    const env = { name: 'dev', file: 'environments/dev.yaml', provisioners: 'workspace' } as unknown as EnvironmentDefinition;
    const message = (config: unknown) => {
      try {
        libraryVersionFor(env, config as Parameters<typeof libraryVersionFor>[1]);
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const direct = message(scanServices(root)[0]!.config);
    expect(direct).toMatch(/services\/s\/service-config\.yaml:3:\d+/);
    scanServices(root, memo);
    expect(message(scanServices(root, memo)[0]!.config)).toBe(direct);
  });

  it("takes another reader's parses when its own memo is empty, and writes them into its own", () => {
    const root = workspace(FILES);
    const other = join(root, 'nodes.bin');
    const own = join(root, 'scan.bin');
    // Another reader (createNodes) parsed every Score file and config first.
    const first = new ScanMemo({ file: other, salt: 's' });
    for (const path of ['services/a', 'services/b', 'services/badconfig']) readScoreData(`${path}/score.yaml`, readFileSync(join(root, path, 'score.yaml'), 'utf8'), first);
    first.save();
    // What the scan would parse anew is counted through a memo whose parses are watched.
    const borrowed = new ScanMemo({ file: own, salt: 's', alsoRead: [other] });
    let parsed = 0;
    const get = borrowed.get.bind(borrowed);
    borrowed.get = (kind, bytes, parse) => get(kind, bytes, () => (parsed++, parse()));
    const data = readScoreData('services/a/score.yaml', readFileSync(join(root, 'services/a/score.yaml'), 'utf8'), borrowed);
    expect(parsed).toBe(0);
    expect(data).toEqual(readScoreData('x', readFileSync(join(root, 'services/a/score.yaml'), 'utf8')));
    borrowed.save();
    expect(existsSync(own)).toBe(true);
    // The scan through the pair gives what a scan without any memo gives; another salt borrows nothing.
    expect(plain(root, { file: join(root, 'scan2.bin'), salt: 's', alsoRead: [other] } as never)).toEqual(plain(root));
    const salted = new ScanMemo({ file: join(root, 'scan3.bin'), salt: 'other', alsoRead: [other] });
    let parsedUnderOtherSalt = 0;
    readScoreData('services/a/score.yaml', readFileSync(join(root, 'services/a/score.yaml'), 'utf8'), {
      get: (kind: string, bytes: string, parse: () => unknown) => salted.get(kind, bytes, () => (parsedUnderOtherSalt++, parse())),
    } as unknown as ScanMemo);
    expect(parsedUnderOtherSalt).toBe(1);
  });

  // A damaged memo (right format and salt, values of another shape) must not crash a scan or change its result.
  it.each([
    { score: null, config: null },
    { score: 42, config: 42 },
    { score: 'x', config: [] },
    { score: [], config: { dev: 7 } },
    { score: [1], config: { dev: { provisioners: 1 } } },
  ])('parses again what a damaged memo holds in another shape: Score data $score, config pins $config', ({ score: badScore, config: badConfig }) => {
    const root = workspace(FILES);
    const memo = { file: join(root, 'memo.bin'), salt: 's' };
    const expected = plain(root);
    plain(root, memo);
    const written = deserialize(readFileSync(memo.file)) as { entries: Map<string, unknown> };
    const keys = [...written.entries.keys()];
    expect(keys.filter((k) => k.startsWith('score-file:')).length).toBe(3);
    expect(keys.filter((k) => k.startsWith('service-config:')).length).toBe(2);
    for (const key of keys) written.entries.set(key, key.startsWith('score-file:') ? badScore : badConfig);
    writeFileSync(memo.file, serialize(written));
    expect(plain(root, memo)).toEqual(expected);
  });

  it('parses Score files with the render\'s parser: several documents or a non-mapping root are left out of the scan', () => {
    // Several YAML documents, and a sequence at the root: the render refuses both with a position.
    const root = workspace({ ...FILES, 'services/two/score.yaml': `${score('two')}---\n${score('two-again')}`, 'services/seq/score.yaml': '- a\n- b\n' });
    expect(plain(root).map((s) => s.name)).toEqual(['a', 'b']);
    expect(() => readScoreData('services/seq/score.yaml', '- a\n- b\n')).toThrow(/^services\/seq\/score\.yaml:1:1: /);
  });
});
