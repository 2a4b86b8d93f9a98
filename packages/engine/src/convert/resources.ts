import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import type { ScoreContainer } from '../score/types';
import { canonicalQuantity, QuantityError } from './quantity';

/** `resources.limits`/`requests` with canonical quantities; undefined when the container sets none. */
export function convertResources(container: ScoreContainer, path: DocPath): Record<string, unknown> | undefined {
  if (!container.resources) return undefined;
  const out: Record<string, unknown> = {};
  for (const group of ['limits', 'requests'] as const) {
    const list = container.resources[group];
    if (!list) continue;
    const converted: Record<string, string> = {};
    for (const res of ['cpu', 'memory'] as const) {
      const value = list[res];
      if (value === undefined) continue;
      try {
        converted[res] = canonicalQuantity(value);
      } catch (err) {
        if (err instanceof QuantityError) throw new DocumentError([...path, group, res], err.message);
        throw err;
      }
    }
    out[group] = converted;
  }
  return out;
}
