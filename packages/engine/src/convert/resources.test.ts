import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { thrown } from '../test-support';
import { convertResources } from './resources';

describe('convertResources', () => {
  it('returns undefined for a container without resources', () => {
    expect(convertResources({ image: 'x' }, ['r'])).toBeUndefined();
  });

  it('returns limits and requests with canonical quantities', () => {
    expect(convertResources({ image: 'x', resources: { limits: { cpu: '0.5', memory: '128Mi' }, requests: { cpu: '100m' } } }, ['r'])).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
      requests: { cpu: '100m' },
    });
  });

  it('names the quantity it cannot read', () => {
    const err = thrown(() => convertResources({ image: 'x', resources: { requests: { memory: 'lots' } } }, ['containers', 'main', 'resources']), DocumentError);
    expect(err.path).toEqual(['containers', 'main', 'resources', 'requests', 'memory']);
  });
});
