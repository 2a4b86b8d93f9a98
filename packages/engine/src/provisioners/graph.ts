import { DocumentError, UserError } from '../errors';
import type { DocPath } from '../errors';
import { findRefs } from '../score/placeholders';
import type { ScoreResource } from '../score/types';

/**
 * The order resources are provisioned in: a resource comes after every resource its params refer to through
 * `${resources.<name>...}`. Among resources that are ready at the same time, names sort in code-unit order.
 */
export function provisioningOrder(resources: Record<string, ScoreResource>): string[] {
  const names = Object.keys(resources).sort();
  const deps = new Map<string, Set<string>>();
  for (const name of names) {
    const found = new Set<string>();
    collectRefs(resources[name]!.params, ['resources', name, 'params'], (ref, path) => {
      if (ref[0] !== 'resources' || ref[1] === undefined) return;
      if (!Object.prototype.hasOwnProperty.call(resources, ref[1])) {
        throw new DocumentError(path, `refers to unknown resource '${ref[1]}' (resources: ${names.join(', ')})`);
      }
      found.add(ref[1]);
    });
    deps.set(name, found);
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < names.length) {
    const ready = names.filter((n) => !done.has(n) && [...deps.get(n)!].every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = names.filter((n) => !done.has(n));
      throw new UserError(`resources ${stuck.map((n) => `'${n}'`).join(', ')} form a cycle through the \${resources...} placeholders in their params`);
    }
    for (const n of ready) {
      order.push(n);
      done.add(n);
    }
  }
  return order;
}

function collectRefs(value: unknown, path: DocPath, visit: (ref: string[], path: DocPath) => void): void {
  if (typeof value === 'string') {
    for (const ref of findRefs(value)) visit(ref, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collectRefs(v, [...path, i], visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectRefs(v, [...path, k], visit);
  }
}
