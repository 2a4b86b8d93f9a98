import { describe, expect, it } from 'vitest';
import { withMetadataDefaults } from './library';

describe('withMetadataDefaults (library.yaml workloadMetadata defaults)', () => {
  const defaults = { engineNamespace: '${metadata.name}', tier: 'web-${metadata.name}-x' };

  it('fills a key the Score file leaves out, ${metadata.name} being the workload name', () => {
    expect(withMetadataDefaults(defaults, { name: 'cart' })).toEqual({ name: 'cart', engineNamespace: 'cart', tier: 'web-cart-x' });
  });

  it("keeps what the Score file sets, and treats '' as left out", () => {
    expect(withMetadataDefaults(defaults, { name: 'cart', engineNamespace: 'shop', tier: '' })).toEqual({ name: 'cart', engineNamespace: 'shop', tier: 'web-cart-x' });
  });

  it('leaves the metadata it is given unchanged', () => {
    const metadata = { name: 'cart' };
    withMetadataDefaults(defaults, metadata);
    expect(metadata).toEqual({ name: 'cart' });
    expect(withMetadataDefaults({}, metadata)).toEqual({ name: 'cart' });
  });
});
