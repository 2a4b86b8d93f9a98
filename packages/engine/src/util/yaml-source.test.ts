import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { thrown } from '../test-support';
import { parseYamlMapping } from './yaml-source';

const parseError = (text: string) => thrown(() => parseYamlMapping('svc/score.yaml', text, 'Score file'), DocumentError);

describe('parseYamlMapping: rejected documents', () => {
  it.each([
    ['a duplicate nested key', 'a: 1\nb:\n  c: 2\n  c: 3\n', "svc/score.yaml:4:3: duplicate key 'c': map keys must be unique"],
    ['a duplicate top-level key', 'a: 1\na: 2\n', "svc/score.yaml:2:1: duplicate key 'a': map keys must be unique"],
    ['a duplicate quoted key', 'a: 1\n"a": 2\n', "svc/score.yaml:2:1: duplicate key 'a': map keys must be unique"],
    ['a duplicate key in a flow map', 'a: {x: 1, x: 2}\n', "svc/score.yaml:1:11: duplicate key 'x': map keys must be unique"],
    ['tab indentation', 'a:\n\tb: 1\n', 'svc/score.yaml:2:1: tabs are not allowed as indentation'],
    ['a sequence root', '- a\n- b\n', 'svc/score.yaml:1:1: a Score file must be a YAML mapping, found a sequence'],
    ['a scalar root', '\nhello\n', 'svc/score.yaml:2:1: a Score file must be a YAML mapping, found a scalar'],
    ['an empty file', '', 'svc/score.yaml:1:1: a Score file must be a YAML mapping, found an empty document'],
    ['a comment-only file', '# nothing\n', 'svc/score.yaml:1:1: a Score file must be a YAML mapping, found an empty document'],
    ['an unclosed flow sequence', 'a: [1, 2\nb: 3\n', 'svc/score.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['an unterminated quote', 'a: "open\n', 'svc/score.yaml:2:1: invalid YAML: Missing closing "quote'],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', 'svc/score.yaml:3:1: invalid YAML: All mapping items must start at the same column'],
    ['two documents', 'a: 1\n---\nb: 2\n', 'svc/score.yaml:2:1: a Score file holds one YAML document, found more than one'],
    ['an unknown alias', 'a: *nope\n', 'svc/score.yaml:1:1: cannot read YAML: Unresolved alias (the anchor must be set before the alias): nope'],
  ])('%s', (_what, text, message) => {
    const err = parseError(text);
    expect(err.message).toBe(message);
    expect(err.path).toEqual([]);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const started = Date.now();
    expect(parseError(`${levels.join('\n')}\n`).message).toBe(
      'svc/score.yaml:1:1: cannot read YAML: Excessive alias count indicates a resource exhaustion attack',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('uses the default noun without one', () => {
    expect(thrown(() => parseYamlMapping('x.yaml', '[]'), DocumentError).message).toBe(
      'x.yaml:1:1: a document must be a YAML mapping, found a sequence',
    );
  });
});

describe('parseYamlMapping: accepted documents', () => {
  const text = [
    'apiVersion: score.dev/v1b1', // 1
    'metadata:', // 2
    '  name: hello', // 3
    'containers:', // 4
    '  web:', // 5
    '    image: nginx', // 6
    '    args: ["a",', // 7
    '      "b"]', // 8
    '    variables:', // 9
    '      "80": port', // 10
    'base: &base {k: v}', // 11
    'copy: *base', // 12
    'version: 1.0', // 13
  ].join('\n');
  const source = parseYamlMapping('svc/score.yaml', text, 'Score file');

  it('returns plain data, aliases resolved', () => {
    expect(source.file).toBe('svc/score.yaml');
    expect(source.data).toEqual({
      apiVersion: 'score.dev/v1b1',
      metadata: { name: 'hello' },
      containers: { web: { image: 'nginx', args: ['a', 'b'], variables: { '80': 'port' } } },
      base: { k: 'v' },
      copy: { k: 'v' },
      version: 1,
    });
  });

  it.each([
    [[], { line: 1, col: 1 }],
    [['metadata'], { line: 2, col: 1 }],
    [['metadata', 'name'], { line: 3, col: 3 }],
    [['containers', 'web', 'image'], { line: 6, col: 5 }],
    [['containers', 'web', 'args', 1], { line: 8, col: 7 }],
    [['containers', 'web', 'variables', 80], { line: 10, col: 7 }],
    [['containers', 'web', 'missing', 'deeper'], { line: 5, col: 3 }],
    [['containers', 'web', 'args', 5], { line: 7, col: 5 }],
    [['metadata', 'name', 'x'], { line: 3, col: 3 }],
  ])('locates %j at %j (the deepest existing node)', (path, position) => {
    expect(source.locate(path)).toEqual(position);
  });

  it('makes placed errors', () => {
    const err = source.error(['containers', 'web', 'image'], 'must be a string');
    expect(err).toBeInstanceOf(DocumentError);
    expect(err.message).toBe('svc/score.yaml:6:5: containers.web.image: must be a string');
    expect([err.file, err.position, err.path, err.detail]).toEqual([
      'svc/score.yaml',
      { line: 6, col: 5 },
      ['containers', 'web', 'image'],
      'must be a string',
    ]);
  });

  it('accepts a trailing document marker with nothing after it', () => {
    expect(parseYamlMapping('f', 'a: 1\n...\n').data).toEqual({ a: 1 });
  });
});
