import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { thrown } from '../test-support';
import { assertNoSecretRefs, containsSecretRef, decodeSecretRefs, encodeSecretRef, secretRefEnvName } from './secrets';

describe('secretRefEnvName (FNV-1 128, §2.4 test vectors)', () => {
  it.each([
    ['', '', '__ref_bGInLge7AUJiuCF1YpXFjQ'],
    ['hello', 'world', '__ref_7nSlDImL8R05KcUzKJ00KQ'],
    ['default', 'some-key', '__ref_0960osB2KjQY08QKfHliCg'],
    ['default', 'other-key', '__ref_mWObImRl7lfuP04NHDPsvA'],
  ])('(%j, %j) → %s', (name, key, expected) => {
    expect(secretRefEnvName({ name, key })).toBe(expected);
  });
});

describe('secret markers', () => {
  it('encodes name and key around the first `_`', () => {
    expect(encodeSecretRef('db-creds', 'password')).toBe('🔐💬db-creds_password💬🔐');
    expect(encodeSecretRef('s', 'a_b')).toBe('🔐💬s_a_b💬🔐');
  });

  it('decodes a lone marker', () => {
    expect(decodeSecretRefs(encodeSecretRef('db-creds', 'password'))).toEqual([{ name: 'db-creds', key: 'password' }]);
  });

  it('splits on the first `_` only, so keys may contain `_`', () => {
    expect(decodeSecretRefs(encodeSecretRef('s', 'a_b_c'))).toEqual([{ name: 's', key: 'a_b_c' }]);
  });

  it('decodes a marker without `_` as a name with an empty key', () => {
    expect(decodeSecretRefs('🔐💬nokey💬🔐')).toEqual([{ name: 'nokey', key: '' }]);
  });

  it('splits text and several markers in order', () => {
    const value = `postgres://${encodeSecretRef('db', 'user')}:${encodeSecretRef('db', 'pass')}@host/${encodeSecretRef('x', 'y')}`;
    expect(decodeSecretRefs(value)).toEqual([
      'postgres://',
      { name: 'db', key: 'user' },
      ':',
      { name: 'db', key: 'pass' },
      '@host/',
      { name: 'x', key: 'y' },
    ]);
  });

  it('leaves plain strings whole', () => {
    expect(decodeSecretRefs('plain 🔐 text')).toEqual(['plain 🔐 text']);
    expect(decodeSecretRefs('')).toEqual([]);
  });

  it('round-trips encode → decode', () => {
    for (const [name, key] of [['a', 'b'], ['my-secret', 'tls.crt'], ['s', '']] as const) {
      expect(decodeSecretRefs(encodeSecretRef(name, key))).toEqual([{ name, key }]);
    }
  });

  it('containsSecretRef looks for the marker start', () => {
    expect(containsSecretRef(`x${encodeSecretRef('a', 'b')}`)).toBe(true);
    expect(containsSecretRef('x 🔐 y')).toBe(false);
  });
});

describe('assertNoSecretRefs', () => {
  it('accepts values without markers', () => {
    expect(() => assertNoSecretRefs({ a: ['x', 1, null, { b: 'y' }] }, [], 'manifest')).not.toThrow();
  });

  it('names the path of a leftover marker', () => {
    const value = { spec: { list: ['ok', { v: `a${encodeSecretRef('s', 'k')}` }] } };
    expect(thrown(() => assertNoSecretRefs(value, ['manifests', 0], 'a manifest'), DocumentError).message).toBe(
      'manifests[0].spec.list[1].v: a manifest contains a secret reference where only plain text is allowed',
    );
  });
});
