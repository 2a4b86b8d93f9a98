import { DocumentError, formatPath } from '../errors';
import type { DocPath } from '../errors';
import { findRefs } from '../score/placeholders';
import type { ScoreResource } from '../score/types';

/**
 * The order resources are provisioned in: a resource comes after every resource its params refer to through
 * `${resources.<name>...}`. Among resources that are ready at the same time, names sort in code-unit order.
 */
export function provisioningOrder(resources: Record<string, ScoreResource>): string[] {
  const names = Object.keys(resources).sort();
  // For every resource, the resources its params refer to, each with the path of its first placeholder.
  const deps = new Map<string, Map<string, DocPath>>();
  for (const name of names) {
    const found = new Map<string, DocPath>();
    collectRefs(resources[name]!.params, ['resources', name, 'params'], (ref, path) => {
      if (ref[0] !== 'resources' || ref[1] === undefined) return;
      if (!Object.hasOwn(resources, ref[1])) {
        throw new DocumentError(path, `refers to unknown resource '${ref[1]}' (resources: ${names.join(', ')})`);
      }
      if (!found.has(ref[1])) found.set(ref[1], path);
    });
    deps.set(name, found);
  }
  // Kahn's algorithm by rounds (linear in resources and references): a round is every resource whose
  // dependencies are all in earlier rounds, in name order.
  const waitingOn = new Map(names.map((n) => [n, deps.get(n)!.size]));
  const dependents = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const name of names) for (const dep of deps.get(name)!.keys()) dependents.get(dep)!.push(name);
  const order: string[] = [];
  let ready = names.filter((n) => waitingOn.get(n) === 0);
  while (ready.length > 0) {
    order.push(...ready);
    const next: string[] = [];
    for (const done of ready) {
      for (const dependent of dependents.get(done)!) {
        const left = waitingOn.get(dependent)! - 1;
        waitingOn.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    ready = next.sort();
  }
  if (order.length < names.length) throw cycleError(names.filter((n) => waitingOn.get(n)! > 0), deps);
  return order;
}

/**
 * The error for resources left waiting: one cycle among them, from its first resource by name, placed at that
 * resource's placeholder that starts the cycle and naming every step.
 */
function cycleError(stuck: string[], deps: Map<string, Map<string, DocPath>>): DocumentError {
  const isStuck = new Set(stuck);
  // Every stuck resource waits on another stuck one, so walking from any of them comes back to a resource seen.
  const walk: string[] = [];
  const seenAt = new Map<string, number>();
  let at = stuck[0]!;
  while (!seenAt.has(at)) {
    seenAt.set(at, walk.length);
    walk.push(at);
    at = [...deps.get(at)!.keys()].filter((d) => isStuck.has(d)).sort()[0]!;
  }
  const loop = walk.slice(seenAt.get(at));
  const first = loop.indexOf([...loop].sort()[0]!);
  const cycle = [...loop.slice(first), ...loop.slice(0, first)];
  const steps = cycle.map((name, i) => {
    const target = cycle[(i + 1) % cycle.length]!;
    return `${formatPath(deps.get(name)!.get(target)!)} refers to '${target}'`;
  });
  return new DocumentError(
    deps.get(cycle[0]!)!.get(cycle[1 % cycle.length]!)!,
    `resources ${cycle.map((n) => `'${n}'`).join(', ')} form a cycle through the \${resources...} placeholders in their params (${steps.join(', ')})`,
  );
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
