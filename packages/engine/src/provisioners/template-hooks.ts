import nunjucks from 'nunjucks';

/**
 * The two places nunjucks has no option for, patched only while a provisioner template renders: output (every
 * `{{ }}` one YAML scalar) and member lookup (no `constructor`, `__proto__`...). Rendering is synchronous, so the
 * runtime is patched for the call and restored after it; another `nunjucks.Environment` of the process, before,
 * after or between renders, sees the runtime nunjucks ships.
 */
type Runtime = {
  suppressValue: (val: unknown, autoescape: unknown) => unknown;
  memberLookup: (obj: unknown, val: unknown) => unknown;
};
const runtime = (nunjucks as unknown as { runtime: Runtime }).runtime;

const REFUSED_MEMBERS = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__lookupGetter__']);

/** An own, plain data property (no getter, not a function) of an object or array: what JSON-like data holds. */
function isOwnDataKey(obj: unknown, key: string): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  return descriptor !== undefined && 'value' in descriptor && typeof descriptor.value !== 'function';
}

/** Runs `render` with the provisioner hooks in place: `emit` writes every output value. */
export function withTemplateHooks<T>(emit: (val: unknown) => string, render: () => T): T {
  const { suppressValue, memberLookup } = runtime;
  runtime.suppressValue = (val) => emit(val);
  // Templates must not reach JavaScript internals (`"".constructor.constructor("return process")()`), but a key
  // that is the data's own (a container a Score file names `constructor`) is data like any other.
  runtime.memberLookup = (obj, val) => {
    if (typeof val === 'string' && REFUSED_MEMBERS.has(val)) {
      if (isOwnDataKey(obj, val)) return (obj as Record<string, unknown>)[val];
      throw new Error(`access to '${val}' is not allowed in provisioner templates`);
    }
    return memberLookup(obj, val);
  };
  try {
    return render();
  } finally {
    runtime.suppressValue = suppressValue;
    runtime.memberLookup = memberLookup;
  }
}
