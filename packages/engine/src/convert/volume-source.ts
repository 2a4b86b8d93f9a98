import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatPath } from '../errors';
import { describeSchemaError, pointerToPath, primaryError } from '../schema-errors';
import volumeDefinitions from './volume-definitions.json';

/**
 * Strict decoding of the volume outputs of a resource, as score-k8s decodes them into Go's `coreV1.VolumeSource` /
 * `coreV1.PersistentVolumeClaimSpec` with DisallowUnknownFields: the value must be valid against the Kubernetes
 * definitions in volume-definitions.json (derived from the workspace's schemas/kubernetes, every object closed),
 * and what comes out is what the API server would store: the fields that Go's omitempty drops are dropped.
 */

export type VolumeOutput = 'source' | 'claimSpec';

const DEFINITION: Record<VolumeOutput, string> = {
  source: 'io.k8s.api.core.v1.VolumeSource',
  claimSpec: 'io.k8s.api.core.v1.PersistentVolumeClaimSpec',
};
const KIND_NAME: Record<VolumeOutput, string> = { source: 'VolumeSource', claimSpec: 'PersistentVolumeClaimSpec' };

type Schema = { $ref?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; additionalProperties?: Schema | boolean; oneOf?: Schema[]; type?: string };
const definitions = volumeDefinitions.definitions as unknown as Record<string, Schema>;

/**
 * The definitions whose `readOnly` is a Go `*bool` (csi, azureDisk): an explicit `false` is kept by the API server
 * there. Everywhere else `readOnly` is a plain `bool` with omitempty, and `false` is dropped.
 */
const POINTER_READ_ONLY = new Set(['io.k8s.api.core.v1.CSIVolumeSource', 'io.k8s.api.core.v1.AzureDiskVolumeSource']);

let validators: Record<VolumeOutput, ValidateFunction> | undefined;

function validator(output: VolumeOutput): ValidateFunction {
  if (validators === undefined) {
    // validateFormats off: int32/int64/byte are Go's formats, not JSON Schema's (the type is still checked).
    const ajv = new Ajv({ strict: false, allErrors: false, verbose: true, validateFormats: false });
    ajv.addSchema({ $id: 'k8s-volumes.json', definitions });
    validators = {
      source: ajv.compile({ $ref: `k8s-volumes.json#/definitions/${DEFINITION.source}` }),
      claimSpec: ajv.compile({ $ref: `k8s-volumes.json#/definitions/${DEFINITION.claimSpec}` }),
    };
  }
  return validators[output];
}

/** A decoded output, or why it is not a VolumeSource / PersistentVolumeClaimSpec (its dotted path, then what). */
export type Decoded = { value: Record<string, unknown> } | { error: string };

export function decodeVolumeOutput(output: VolumeOutput, value: unknown): Decoded {
  const validate = validator(output);
  if (!validate(value)) {
    const error = primaryError(validate.errors ?? []);
    const at = formatPath([output, ...pointerToPath(error.instancePath)]);
    return { error: `${at}: ${describe(error)} (${output} must be a Kubernetes ${KIND_NAME[output]})` };
  }
  return { value: withoutDroppedFields(structuredClone(value), { $ref: `#/definitions/${DEFINITION[output]}` }) as Record<string, unknown> };
}

function describe(error: ErrorObject): string {
  // Quantity and IntOrString are `oneOf` a few types: say which.
  const branches = error.keyword === 'oneOf' ? (error.schema as Schema[]) : undefined;
  if (branches?.every((b) => typeof b.type === 'string' && Object.keys(b).length === 1)) return `must be ${branches.map((b) => b.type).join(' or ')}`;
  return describeSchemaError(error);
}

/**
 * Drops what the API server drops, walking the value with its (already validated) schema: an optional `readOnly:
 * false` (Go `bool` with omitempty, except the pointers of {@link POINTER_READ_ONLY}) and an optional `path: ""`
 * (cephfs's `path`, a `string` with omitempty). Required fields are kept as given, as Go keeps them.
 */
function withoutDroppedFields(value: unknown, schema: Schema, definition?: string): unknown {
  if (schema.$ref !== undefined) {
    const key = schema.$ref.slice('#/definitions/'.length);
    return withoutDroppedFields(value, definitions[key] ?? {}, key);
  }
  if (Array.isArray(value)) return schema.items ? value.map((v) => withoutDroppedFields(v, schema.items!)) : value;
  if (value === null || typeof value !== 'object' || schema.properties === undefined) return value;
  const record = value as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  for (const key of Object.keys(record)) {
    const dropped = !required.has(key) && ((key === 'readOnly' && record[key] === false && !POINTER_READ_ONLY.has(definition ?? '')) || (key === 'path' && record[key] === ''));
    if (dropped) delete record[key];
    else if (schema.properties[key]) record[key] = withoutDroppedFields(record[key], schema.properties[key]);
  }
  return record;
}
