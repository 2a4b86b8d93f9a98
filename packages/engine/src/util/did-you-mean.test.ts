import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean } from './did-you-mean';

describe('did you mean', () => {
  const types = ['postgres', 'redis', 's3-bucket', 'service', 'basic'];
  it('suggests the close candidate', () => {
    expect(closestMatch('postgress', types)).toBe('postgres');
    expect(closestMatch('Redis', types)).toBe('redis');
    expect(closestMatch('mian', ['main', 'sidecar'])).toBe('main'); // a transposition is two edits
    expect(didYouMean('s3bucket', types)).toBe(" (did you mean 's3-bucket'?)");
  });
  it('suggests nothing when nothing is close, or the value is a candidate', () => {
    expect(closestMatch('mysql', types)).toBeUndefined();
    expect(closestMatch('redis', types)).toBeUndefined();
    expect(didYouMean('x', [])).toBe('');
  });
});
