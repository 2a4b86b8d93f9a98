import type { ValidateFunction } from 'ajv';

/**
 * A validator compiled when it is first called, not when its module is imported. Every Ajv instance compiles the
 * JSON Schema meta-schema on its first compile (about 50 ms each), and most processes that import the engine use
 * few of its validators: the Nx hasher reads environments and service configs only, createNodes no provisioner.
 */
export function compiledOnFirstUse(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= compile();
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}
