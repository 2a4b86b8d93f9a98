import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './quantity';

describe('canonicalQuantity', () => {
  it.each([
    ['0.5', '500m'],
    ['1.5Gi', '1536Mi'],
    ['512Mi', '512Mi'],
    ['200m', '200m'],
    ['1000m', '1'],
    ['1024Mi', '1Gi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['128M', '128M'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0.1m', '1m'],
    ['0', '0'],
    ['0Gi', '0'],
    ['2', '2'],
    ['100Ki', '100Ki'],
    ['1.25', '1250m'],
    [1, '1'],
    [0.25, '250m'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it('rejects what is not a quantity', () => {
    expect(() => canonicalQuantity('12 cores')).toThrow(
      "failed to parse '12 cores': quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(() => canonicalQuantity('1Qi')).toThrow("failed to parse '1Qi'");
  });
});
