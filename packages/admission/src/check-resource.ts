import { checkCelRules } from './crd-rules';
import type { SchemaNode } from './crd-rules';
import type { Finding } from './finding';
import { checkNative } from './native';

const parsedSchemas = new Map<string, SchemaNode>();

/**
 * Everything the API server checks on one object beyond its JSON schema: the CEL rules of the schema it is
 * validated against, then native validation. `schema` is the schema object or its JSON text.
 */
export function checkResource(resource: unknown, schema: unknown): Finding[] {
  let s: SchemaNode | undefined;
  if (typeof schema === 'string') {
    s = parsedSchemas.get(schema);
    if (!s) {
      s = JSON.parse(schema) as SchemaNode;
      parsedSchemas.set(schema, s);
    }
  } else if (schema !== null && typeof schema === 'object') s = schema as SchemaNode;
  return [...(s ? checkCelRules(resource, s) : []), ...checkNative(resource)];
}
