import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { findRefs, RefError, splitRef, stringifyValue, substitute, substituteDeep, workloadResolver } from './placeholders';
import type { RefResolver } from './placeholders';
import { thrown } from '../test-support';

const resolve = workloadResolver({
  metadata: {
    name: 'example',
    annotations: { 'example.com/team': 'web', plain: 'p' },
    replicas: 3,
  },
  resources: {
    db: { host: 'db.local', port: 5432, nested: { key: 'value' }, tls: true, list: [1, 'a'] },
    pending: undefined,
  },
});

const sub = (input: string) => substitute(input, resolve);

describe('substitute: escapes', () => {
  it.each([
    ['abc $$ abc', 'abc $ abc'],
    ['$${abc}', '${abc}'],
    ['$$${metadata.name}', '$example'],
    ['$$$${abc}', '$${abc}'],
    ['$abc', '$abc'],
    ['a $ b', 'a $ b'],
    ['trailing $', 'trailing $'],
    ['$$$', '$$'],
    ['no placeholders', 'no placeholders'],
    ['', ''],
    ['${metadata.name}-${metadata.name}', 'example-example'],
    ['$${resources.nope.x} stays', '${resources.nope.x} stays'],
  ])('%j → %j', (input, expected) => {
    expect(sub(input)).toBe(expected);
  });

  it('looks up abc after $$ (the reference example `$$${abc}`)', () => {
    expect(thrown(() => sub('$$${abc}'), RefError).message).toBe(
      "invalid ref 'abc': unknown reference root, use $$ to escape the substitution",
    );
  });

  it('ends the ref at the first closing brace (no nesting)', () => {
    expect(sub('${metadata.name}}')).toBe('example}');
    expect(thrown(() => sub('${metadata.${x}}'), RefError).message).toBe("invalid ref 'metadata.${x': key '${x' not found");
  });
});

describe('substitute: lookups', () => {
  it('walks metadata, with `\\.` escaping a dot in a key', () => {
    expect(sub('team=${metadata.annotations.example\\.com/team}')).toBe('team=web');
    expect(sub('${metadata.annotations.plain}')).toBe('p');
  });

  it('walks resource outputs, nested maps included', () => {
    expect(sub('postgres://${resources.db.host}:${resources.db.port}')).toBe('postgres://db.local:5432');
    expect(sub('${resources.db.nested.key}')).toBe('value');
  });

  it('JSON-encodes non-strings', () => {
    expect(sub('${resources.db.port}')).toBe('5432');
    expect(sub('${metadata.replicas}')).toBe('3');
    expect(sub('${resources.db.nested}')).toBe('{"key":"value"}');
    expect(sub('${resources.db.tls}')).toBe('true');
    expect(sub('${resources.db.list}')).toBe('[1,"a"]');
    expect(sub('${metadata.annotations}')).toBe('{"example.com/team":"web","plain":"p"}');
  });

  it('stringifyValue keeps strings and JSON-encodes the rest', () => {
    expect(stringifyValue('x')).toBe('x');
    expect(stringifyValue(null)).toBe('null');
    expect(stringifyValue({ a: [1, { b: 'c' }] })).toBe('{"a":[1,{"b":"c"}]}');
  });
});

describe('substitute: an escaped unclosed brace is literal text', () => {
  it.each([
    ['$${x', '${x'],
    ['$${x} and $${y', '${x} and ${y'],
  ])('%s', (input, output) => {
    expect(sub(input)).toBe(output);
  });
});

describe('substitute: errors (§3, exact messages)', () => {
  it.each([
    ['${foo.bar}', "invalid ref 'foo.bar': unknown reference root, use $$ to escape the substitution"],
    ['${}', "invalid ref '': unknown reference root, use $$ to escape the substitution"],
    ['${metadata}', "invalid ref 'metadata': requires at least a metadata key to lookup"],
    ['${metadata.missing}', "invalid ref 'metadata.missing': key 'missing' not found"],
    ['${metadata.name.foo}', "invalid ref 'metadata.name.foo': cannot lookup key 'foo', context is not a map"],
    ['${resources.x}', "invalid ref 'resources.x': no known resource 'x'"],
    ['${resources.x.host}', "invalid ref 'resources.x.host': no known resource 'x'"],
    ['${resources}', "invalid ref 'resources': no known resource ''"],
    ['${resources.db.nope}', "invalid ref 'resources.db.nope': key 'nope' not found"],
    ['${resources.db}', "invalid ref 'resources.db': at least one lookup key is required"],
    ['${resources.pending.host}', "invalid ref 'resources.pending.host': key 'host' not found"],
    ['${resources.db.list.0}', "invalid ref 'resources.db.list.0': cannot lookup key '0', context is not a map"],
    ['${metadata.toString}', "invalid ref 'metadata.toString': key 'toString' not found"],
    ['${resource.db.host}', "invalid ref 'resource.db.host': unknown reference root 'resource' (did you mean 'resources'?)"],
    ['${metdata.name}', "invalid ref 'metdata.name': unknown reference root 'metdata' (did you mean 'metadata'?)"],
    ['${resources.dv.host}', "invalid ref 'resources.dv.host': no known resource 'dv' (did you mean 'db'?)"],
    ['${resources.db.hots}', "invalid ref 'resources.db.hots': key 'hots' not found (did you mean 'host'?)"],
    ['${resources.db.host', "unclosed placeholder '${resources.db.host': add the closing '}' (or write '$${' for a literal '${')"],
    ['${metadata.name} ${x', "unclosed placeholder '${x': add the closing '}' (or write '$${' for a literal '${')"],
    ['$$${x', "unclosed placeholder '${x': add the closing '}' (or write '$${' for a literal '${')"],
    ['a ${' + 'b'.repeat(60), `unclosed placeholder '\${${'b'.repeat(38)}…': add the closing '}' (or write '$\${' for a literal '\${')`],
  ])('%s', (input, message) => {
    expect(thrown(() => sub(input), RefError).message).toBe(message);
  });

  it('reports every error of one string, joined with `; `, in order of appearance', () => {
    expect(thrown(() => sub('${a} ok ${metadata.name} ${metadata.nope} $${x} ${resources.db}'), RefError).message).toBe(
      "invalid ref 'a': unknown reference root, use $$ to escape the substitution; " +
        "invalid ref 'metadata.nope': key 'nope' not found (did you mean 'name'?); " +
        "invalid ref 'resources.db': at least one lookup key is required",
    );
  });

  it('lets errors that are not ref errors through unchanged', () => {
    const boom = new TypeError('boom');
    const failing: RefResolver = () => {
      throw boom;
    };
    expect(thrown(() => substitute('${x}', failing), TypeError)).toBe(boom);
  });
});

describe('splitRef', () => {
  it.each([
    ['a', ['a']],
    ['a.b.c', ['a', 'b', 'c']],
    ['metadata.annotations.example\\.com/team', ['metadata', 'annotations', 'example.com/team']],
    ['a\\.b\\.c', ['a.b.c']],
    ['a\\b.c', ['a\\b', 'c']],
    ['a..b', ['a', '', 'b']],
    ['', ['']],
    ['a.', ['a', '']],
  ])('%j → %j', (ref, parts) => {
    expect(splitRef(ref)).toEqual(parts);
  });

  it('hands the resolver the raw ref and its parts', () => {
    const seen: Array<[string, string[]]> = [];
    expect(substitute('${x\\.y.z}', (ref, parts) => (seen.push([ref, parts]), 'v'))).toBe('v');
    expect(seen).toEqual([['x\\.y.z', ['x.y', 'z']]]);
  });
});

describe('findRefs', () => {
  it('lists the refs in order, without the escaped ones', () => {
    expect(findRefs('${resources.db.host} $${resources.x.y} $$ ${metadata.a\\.b} $$${resources.c.d}')).toEqual([
      ['resources', 'db', 'host'],
      ['metadata', 'a.b'],
      ['resources', 'c', 'd'],
    ]);
    expect(findRefs('$$$${abc} $abc plain')).toEqual([]);
  });
});

describe('substituteDeep', () => {
  it('substitutes string leaves of maps and lists, not keys, and keeps other values', () => {
    const input = {
      '${metadata.name}': '${metadata.name}',
      list: ['a-${resources.db.host}', 7, null, { deep: '${resources.db.port}' }],
      flag: false,
    };
    expect(substituteDeep(input, resolve, ['resources', 'cache', 'params'])).toEqual({
      '${metadata.name}': 'example',
      list: ['a-db.local', 7, null, { deep: '5432' }],
      flag: false,
    });
    expect(input.list[0]).toBe('a-${resources.db.host}');
  });

  it('places errors at the document path of the culprit', () => {
    const err = thrown(
      () => substituteDeep({ a: ['ok', { b: 'x ${metadata.nope} ${y}' }] }, resolve, ['resources', 'cache', 'params']),
      DocumentError,
    );
    expect(err.path).toEqual(['resources', 'cache', 'params', 'a', 1, 'b']);
    expect(err.detail).toBe(
      "invalid ref 'metadata.nope': key 'nope' not found (did you mean 'name'?); invalid ref 'y': unknown reference root, use $$ to escape the substitution",
    );
    expect(err.message).toBe(
      "resources.cache.params.a[1].b: invalid ref 'metadata.nope': key 'nope' not found (did you mean 'name'?); invalid ref 'y': unknown reference root, use $$ to escape the substitution",
    );
  });

  it('places an error on a top-level string at the base path', () => {
    const err = thrown(() => substituteDeep('${resources.db}', resolve, ['params']), DocumentError);
    expect(err.message).toBe("params: invalid ref 'resources.db': at least one lookup key is required");
  });
});
