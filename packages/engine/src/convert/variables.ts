import type { DocPath } from '../errors';
import type { ScoreContainer } from '../score/types';
import { byCodeUnit } from '../util/compare';
import { decodeSecretRefs, secretRefEnvName } from './secrets';
import type { SecretRef } from './secrets';
import { substituteAt } from './substitute';
import type { Resolver } from './substitute';

/**
 * `variables` as container `env`: plain values, secret references as `secretKeyRef`, and values that mix text and
 * secrets through helper variables (`$(HELPER)`), listed first.
 */
export function convertVariables(
  container: ScoreContainer,
  resolve: Resolver,
  path: DocPath,
): Record<string, unknown>[] {
  const plain: Record<string, unknown>[] = [];
  const helpers = new Map<string, Record<string, unknown>>();
  for (const varName of Object.keys(container.variables ?? {}).sort(byCodeUnit)) {
    const raw = container.variables![varName]!;
    const value = substituteAt(String(raw), resolve, [...path, varName]);
    const parts = decodeSecretRefs(value);
    const refs = parts.filter((p): p is SecretRef => typeof p !== 'string');
    if (refs.length === 0) {
      plain.push(value === '' ? { name: varName } : { name: varName, value });
    } else if (parts.length === 1) {
      plain.push({ name: varName, valueFrom: { secretKeyRef: { name: refs[0]!.name, key: refs[0]!.key } } });
    } else {
      let composed = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          composed += part;
          continue;
        }
        const helper = secretRefEnvName(part);
        helpers.set(helper, { name: helper, valueFrom: { secretKeyRef: { name: part.name, key: part.key } } });
        composed += `$(${helper})`;
      }
      plain.push({ name: varName, value: composed });
    }
  }
  const helperList = [...helpers.keys()].sort(byCodeUnit).map((k) => helpers.get(k)!);
  return [...helperList, ...plain];
}
