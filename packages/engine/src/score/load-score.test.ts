import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError, DocumentErrors, MAX_REPORTED_ERRORS, UserError } from '../errors';
import { thrown, useTempDir } from '../test-support';
import { loadScoreFile, parseScore } from './load-score';
import { upgradeDeprecatedForms } from './upgrade';

const HEAD = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: hello\ncontainers:\n  main:\n    image: nginx\n';
const parse = (text: string) => parseScore(text, '/abs/svc/score.yaml', 'svc/score.yaml');
const parseError = (text: string) => thrown(() => parse(text), UserError).message;

describe('parseScore', () => {
  it('returns the typed workload with file names', () => {
    const loaded = parse(`${HEAD}    variables:\n      A: "1"\n`);
    expect(loaded.file).toBe('svc/score.yaml');
    expect(loaded.absolutePath).toBe('/abs/svc/score.yaml');
    expect(loaded.upgrades).toEqual([]);
    expect(loaded.workload).toEqual({
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'hello' },
      containers: { main: { image: 'nginx', variables: { A: '1' } } },
    });
  });

  it.each([
    ['a missing name', 'apiVersion: score.dev/v1b1\nmetadata:\n  x: 1\ncontainers:\n  main:\n    image: x\n', "svc/score.yaml:2:1: metadata: missing required field 'name'"],
    ['an unknown field', `${HEAD}    bogus: 1\n`, "svc/score.yaml:7:5: containers.main.bogus: unknown field 'bogus'"],
    ['a port out of range', `${HEAD}service:\n  ports:\n    web:\n      port: 70000\n`, 'svc/score.yaml:10:7: service.ports.web.port: must be <= 65535'],
    ['a bad file mode', `${HEAD}    files:\n      /etc/a:\n        content: x\n        mode: abc\n`, "svc/score.yaml:10:9: containers.main.files./etc/a.mode: must be an octal file mode such as '0644' or '600'"],
    ['a number as image, plus one more error', 'apiVersion: score.dev/v1b1\nmetadata:\n  name: hello\ncontainers:\n  main:\n    image: 3\n    variables:\n      A: 1\n', 'svc/score.yaml:6:5: containers.main.image: must be string\nsvc/score.yaml:8:7: containers.main.variables.A: must be string'],
    ['three errors, in file order', 'apiVersion: score.dev/v1b1\nmetadata:\n  name: Hello\ncontainers:\n  main:\n    x: 1\n    image: 3\n', "svc/score.yaml:3:3: metadata.name: must be a lowercase RFC 1123 label: 2-63 characters of a-z, 0-9 or '-', starting and ending with a letter or digit\nsvc/score.yaml:6:5: containers.main.x: unknown field 'x'\nsvc/score.yaml:7:5: containers.main.image: must be string"],
    ['a YAML error', `${HEAD}    image: again\n`, "svc/score.yaml:7:5: duplicate key 'image': map keys must be unique"],
    ['a sequence', '- 1\n', 'svc/score.yaml:1:1: a Score file must be a YAML mapping, found a sequence'],
  ])('places %s at line and column', (_what, text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it('upgrades the deprecated list forms before validation and reports each change', () => {
    const loaded = parse(
      `${HEAD}    files:\n      - target: /etc/a\n        content:\n          - line1\n          - 2\n      - target: /etc/b\n        source: b.txt\n` +
        '    volumes:\n      - target: /data\n        source: v\n        read_only: true\n',
    );
    expect(loaded.workload.containers['main']).toEqual({
      image: 'nginx',
      files: { '/etc/a': { content: 'line1\n2' }, '/etc/b': { source: 'b.txt' } },
      volumes: { '/data': { source: 'v', readOnly: true } },
    });
    expect(loaded.upgrades).toEqual([
      'containers.main.files: converted the deprecated list form to a map keyed by target',
      'containers.main.volumes: converted the deprecated list form to a map keyed by target',
      'containers.main.files./etc/a.content: joined the deprecated list of lines',
      'containers.main.volumes./data.read_only: renamed to readOnly',
    ]);
    expect(loaded.source.data['containers']).toMatchObject({ main: { files: [{ target: '/etc/a' }, { target: '/etc/b' }] } });
  });

  it('validates the upgraded form', () => {
    expect(parseError(`${HEAD}    files:\n      - target: /etc/a\n        mode: abc\n        content: x\n`)).toBe(
      "svc/score.yaml:7:5: containers.main.files./etc/a.mode: must be an octal file mode such as '0644' or '600'",
    );
  });
});

describe('upgradeDeprecatedForms', () => {
  it('keeps an existing readOnly over read_only, and content lists in map-form files', () => {
    const spec = {
      containers: {
        main: {
          files: { '/a': { content: ['x', 'y'] } },
          volumes: { '/v': { source: 's', read_only: true, readOnly: false } },
        },
        other: 'not a map',
      },
    };
    expect(upgradeDeprecatedForms(spec)).toEqual([
      'containers.main.files./a.content: joined the deprecated list of lines',
      'containers.main.volumes./v.read_only: renamed to readOnly',
    ]);
    expect(spec.containers.main).toEqual({ files: { '/a': { content: 'x\ny' } }, volumes: { '/v': { source: 's', readOnly: false } } });
  });

  it('leaves documents without containers alone', () => {
    expect(upgradeDeprecatedForms({ containers: [] })).toEqual([]);
    expect(upgradeDeprecatedForms({})).toEqual([]);
  });

  it('rejects list entries without a target and duplicate targets', () => {
    const missing = thrown(() => upgradeDeprecatedForms({ containers: { main: { files: [{ target: '/a', content: 'x' }, { source: 'x' }] } } }), DocumentError);
    expect([missing.path, missing.detail]).toEqual([['containers', 'main', 'files', 1], "the deprecated list form of 'files' needs a string 'target' in every entry"]);
    const dup = thrown(() => upgradeDeprecatedForms({ containers: { main: { volumes: [{ target: '/d', source: 'a' }, { target: '/d', source: 'b' }] } } }), DocumentError);
    expect(dup.message).toBe("containers.main.volumes[1].target: duplicate target '/d'");
  });

  it('reports every mistake at once, in file order: schema errors and placeholders that need no render', () => {
    const text =
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: shop\ncontainers:\n  web:\n    imag: nginx\n    image: nginx\n    variables:\n' +
      '      A: ${resource.db.host}\n      B: ${resources.cahce.url}\n      C: ${resources.cache.url\n' +
      '    files:\n      /raw: {content: "${kept", noExpand: true}\n' +
      'resources:\n  cache:\n    type: redis\n    params: {host: "${metadata.x"}\n';
    const err = thrown(() => parse(text), DocumentErrors);
    expect(err.errors.map((e) => e.message)).toEqual([
      "svc/score.yaml:6:5: containers.web.imag: unknown field 'imag' (did you mean 'image'?)",
      "svc/score.yaml:9:7: containers.web.variables.A: invalid ref 'resource.db.host': unknown reference root 'resource' (did you mean 'resources'?)",
      "svc/score.yaml:10:7: containers.web.variables.B: invalid ref 'resources.cahce.url': no known resource 'cahce' (did you mean 'cache'?)",
      "svc/score.yaml:11:7: containers.web.variables.C: unclosed placeholder '${resources.cache.url': add the closing '}' (or write '$${' for a literal '${')",
      "svc/score.yaml:17:14: resources.cache.params.host: unclosed placeholder '${metadata.x': add the closing '}' (or write '$${' for a literal '${')",
    ]);
    expect(err.message).toBe(err.errors.map((e) => e.message).join('\n'));
  });

  it('prints at most the first errors and counts the rest', () => {
    const count = MAX_REPORTED_ERRORS + 3;
    const variables = Array.from({ length: count }, (_, i) => `      V${String(i).padStart(2, '0')}: \${nope.${i}}\n`).join('');
    const err = thrown(() => parse(`${HEAD}    variables:\n${variables}`), DocumentErrors);
    expect(err.errors).toHaveLength(count);
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(lines[0]).toBe("svc/score.yaml:8:7: containers.main.variables.V00: invalid ref 'nope.0': unknown reference root, use $$ to escape the substitution");
    expect(lines[MAX_REPORTED_ERRORS]).toBe('… and 3 more errors');
  });

  it('places upgrade errors in the file', () => {
    const text = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: demo\ncontainers:\n  main:\n    image: nginx\n    files:\n      - target: /a\n        content: x\n      - source: y\n';
    expect(() => parseScore(text, '/abs/score.yaml', 'score.yaml')).toThrow(
      "score.yaml:10:9: containers.main.files[1]: the deprecated list form of 'files' needs a string 'target' in every entry",
    );
  });
});

describe('loadScoreFile', () => {
  it('reads a file from disk', () => {
    const dir = useTempDir();
    const file = join(dir, 'score.yaml');
    writeFileSync(file, HEAD);
    expect(loadScoreFile(file, 'x/score.yaml').workload.metadata).toEqual({ name: 'hello' });
  });

  it('names the file it cannot read', () => {
    const dir = useTempDir();
    expect(thrown(() => loadScoreFile(join(dir, 'nope.yaml'), 'x/nope.yaml'), UserError).message).toBe('x/nope.yaml: the Score file does not exist (or is a dangling symlink)');
    expect(thrown(() => loadScoreFile(dir, 'x'), UserError).message).toBe('x: the Score file is not a regular file (a directory)');
  });

  it('uses a custom validator when given', () => {
    const dir = useTempDir();
    const file = join(dir, 'score.yaml');
    writeFileSync(file, HEAD);
    const err = thrown(() => loadScoreFile(file, 's.yaml', () => [{ path: ['metadata', 'name'], message: 'is taken' }]), DocumentError);
    expect(err.message).toBe('s.yaml:3:3: metadata.name: is taken');
  });
});
