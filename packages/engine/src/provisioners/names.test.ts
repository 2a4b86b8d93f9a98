import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dnsLabel, dnsSubdomain } from './names';

const hash8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

describe('dnsLabel', () => {
  it('lowercases and joins parts with -', () => {
    expect(dnsLabel(['Checkout', 'DB'])).toBe('checkout-db');
  });

  it('turns invalid characters into - and collapses runs of -', () => {
    expect(dnsLabel(['my_app', 'a.b c!!d'])).toBe('my-app-a-b-c-d');
    expect(dnsLabel(['a--b', '---', 'c'])).toBe('a-b-c');
  });

  it('trims leading and trailing -', () => {
    expect(dnsLabel(['-_x_-'])).toBe('x');
  });

  it('refuses parts that leave nothing', () => {
    expect(() => dnsLabel(['--', '!!'])).toThrow('cannot make a DNS label from ["--","!!"]');
  });

  it('keeps a name of exactly 63 characters', () => {
    const name = 'a'.repeat(63);
    expect(dnsLabel([name])).toBe(name);
  });

  it('cuts a longer name to 63 with -<8 hex of the sha256 of the full name>, stable and distinct', () => {
    const one = `${'a'.repeat(60)}-one`;
    const two = `${'a'.repeat(60)}-two`;
    expect(dnsLabel([one])).toBe(`${'a'.repeat(54)}-${hash8(one)}`);
    expect(dnsLabel([two])).toBe(`${'a'.repeat(54)}-${hash8(two)}`);
    expect(dnsLabel([one])).toHaveLength(63);
    expect(dnsLabel([one])).not.toBe(dnsLabel([two]));
    expect(dnsLabel([one])).toBe(dnsLabel([one]));
    expect(hash8(one)).toBe('cbb91f8c');
  });

  it('hashes the normalized name and drops a - left at the cut', () => {
    // 53 chars, then '-' at the cut position: the prefix must not end with '-'.
    const full = `${'b'.repeat(53)}-${'c'.repeat(20)}`;
    expect(dnsLabel([full.toUpperCase()])).toBe(`${'b'.repeat(53)}-${hash8(full)}`);
  });

  it('honours a smaller maximum', () => {
    const full = 'service-with-a-long-name';
    expect(dnsLabel([full], 20)).toBe(`service-wit-${hash8(full)}`);
    expect(dnsLabel([full], 24)).toBe(full);
  });
});

describe('dnsSubdomain', () => {
  it('normalizes each label and drops empty ones', () => {
    expect(dnsSubdomain(['API', 'Team_A..example.com.'])).toBe('api.team-a.example.com');
  });

  it('cuts to 253 characters with a hash suffix', () => {
    const labels = Array.from({ length: 5 }, (_, i) => `${String(i)}${'x'.repeat(62)}`);
    const full = labels.join('.');
    const out = dnsSubdomain(labels);
    expect(out).toBe(`${full.slice(0, 244)}-${hash8(full)}`);
    expect(out).toHaveLength(253);
  });
});
