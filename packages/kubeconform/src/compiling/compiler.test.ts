import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaCompiler, draftOf } from './compiler';
import { tmpdir } from '../test-support/run';

describe('schema compilation and the on-disk validator cache', () => {
  const schema = JSON.stringify({ properties: { a: { type: 'string', pattern: '^(?i)x$', nullable: true }, d: { type: 'string', format: 'date-time' } } });

  it('writes standalone code once and a new process-level compiler loads it', () => {
    const dir = tmpdir();
    const first = new SchemaCompiler({ cacheDir: dir }).compile(schema)!;
    const files = fs.readdirSync(path.join(dir, 'validators'));
    expect(files.length).toBe(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.js$/);
    const second = new SchemaCompiler({ cacheDir: dir }).compile(schema)!;
    for (const fn of [first, second]) {
      expect([fn({ a: 'X' }), fn({ a: null }), fn({ d: 'nope' }), fn({ d: '2024-01-01T00:00:00Z' })]).toEqual([true, false, false, true]);
    }
    expect(fs.readdirSync(path.join(dir, 'validators')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a schema that does not compile is remembered as such', () => {
    const dir = tmpdir();
    const bad = JSON.stringify({ properties: { a: { pattern: '(?=x)' } } });
    expect(new SchemaCompiler({ cacheDir: dir }).compile(bad)).toBeNull();
    expect(fs.readdirSync(path.join(dir, 'validators')).map((f) => path.extname(f))).toEqual(['.fail']);
    expect(new SchemaCompiler({ cacheDir: dir }).compile(bad)).toBeNull();
  });

  it('picks the draft from $schema as jsonschema v6 does', () => {
    expect([
      draftOf({}),
      draftOf({ $schema: 'http://json-schema.org/schema#' }),
      draftOf({ $schema: 'http://json-schema.org/draft-04/schema#' }),
      draftOf({ $schema: 'http://json-schema.org/draft-07/schema#' }),
      draftOf({ $schema: 'https://example.com/meta' }),
    ]).toEqual(['draft4', '2020', 'draft4', 'draft7', undefined]);
  });
});
