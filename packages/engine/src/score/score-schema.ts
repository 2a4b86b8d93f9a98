/**
 * The project's own JSON Schema (Draft 2020-12) for Score workload files
 * (`apiVersion: score.dev/v1b1`), written from the Score specification, plus a
 * validator that turns ajv's raw output into short, path-addressed messages.
 *
 * The schema accepts and rejects exactly the same documents as the upstream
 * Score schema (a conformance test checks this against the official file), but
 * is laid out for readable errors:
 *
 * - string constraints whose length limits are already implied by the pattern
 *   (every `^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$` label is 2-63 characters long)
 *   carry only the pattern, so one mistake yields one message;
 * - the map forms of `files` / `volumes` use entry shapes that simply do not
 *   know the deprecated `target` field (upstream forbids it with a `not`), so a
 *   stray `target` reads as "unknown field 'target'";
 * - "array or map" for `files` / `volumes` is an `if`/`then`/`else` on the type
 *   rather than a `oneOf`, so errors come from the branch that applies;
 * - the only remaining `oneOf` / `anyOf` are "exactly one / at least one of
 *   these fields" choices, which {@link createScoreValidator} reports as one
 *   message.
 */
import Ajv2020 from 'ajv/dist/2020';
import { byCodeUnit } from '../util/compare';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { describeChoice, describeSchemaError, isBranchError, quote, requiredOnlyBranches } from '../schema-errors';

// ---------------------------------------------------------------------------
// Patterns (shared by the schema and by the error-message hints below)
// ---------------------------------------------------------------------------

/** RFC 1123 label: 2-63 chars of a-z, 0-9, '-', not starting/ending with '-'. */
const LABEL_PATTERN = '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$';
/** Annotation key: optional dotted RFC 1123 host prefix + '/', then a 2-63 char name. */
const ANNOTATION_KEY_PATTERN =
  '^(([a-z0-9][a-z0-9-]{0,61}[a-z0-9])(\\.[a-z0-9][a-z0-9-]{0,61}[a-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]{0,61}[A-Za-z0-9]$';
/** Resource type / class: like a label, but upper-case letters are allowed. */
const RESOURCE_TYPE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$';
/** Resource id: dot-separated lowercase labels (length is bounded separately). */
const RESOURCE_ID_PATTERN = '^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$';
/** Memory quantity: a positive decimal with an optional SI or binary suffix. */
const MEMORY_PATTERN = '^(0\\.\\d+|[1-9]\\d*(\\.\\d+)?)(K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
/** CPU quantity: whole or fractional CPUs, or milli-CPUs with an 'm' suffix. */
const CPU_PATTERN = '^\\d+(?:m|\\.\\d+)?$';
/** Octal file mode, with or without a leading zero. */
const FILE_MODE_PATTERN = '^0?[0-7]{3}$';
/** Environment variable name: anything non-empty without '='. */
const VARIABLE_NAME_PATTERN = '^[^=]+$';
/** HTTP header name token. */
const HEADER_NAME_PATTERN = '^[A-Za-z0-9_-]+$';

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [LABEL_PATTERN]:
    "must be a lowercase RFC 1123 label: 2-63 characters of a-z, 0-9 or '-', starting and ending with a letter or digit",
  [ANNOTATION_KEY_PATTERN]:
    "must be an annotation key: an optional DNS prefix ending in '/', then 2-63 characters of A-Z, a-z, 0-9, '-', '_' or '.', starting and ending with a letter or digit",
  [RESOURCE_TYPE_PATTERN]:
    "must be 2-63 characters of A-Z, a-z, 0-9 or '-', starting and ending with a letter or digit",
  [RESOURCE_ID_PATTERN]:
    "must be one or more '.'-separated labels of a-z, 0-9 and '-', each starting and ending with a letter or digit",
  [MEMORY_PATTERN]: "must be a positive memory quantity such as '128M', '1.5Gi' or '1048576'",
  [CPU_PATTERN]: "must be a CPU quantity such as '2', '0.5' or '250m'",
  [FILE_MODE_PATTERN]: "must be an octal file mode such as '0644' or '600'",
  [VARIABLE_NAME_PATTERN]: "must not contain '='",
  [HEADER_NAME_PATTERN]: "must contain only A-Z, a-z, 0-9, '_' or '-'",
};

// ---------------------------------------------------------------------------
// Reusable fragments
// ---------------------------------------------------------------------------

/** Key rule for every map whose keys are workload-local names. */
const labelKeys = { type: 'string', pattern: LABEL_PATTERN } as const;

const annotations = {
  description:
    'Free-form string annotations. Keys may carry an optional DNS-style prefix separated by a slash.',
  type: 'object',
  propertyNames: { type: 'string', maxLength: 316, pattern: ANNOTATION_KEY_PATTERN },
  additionalProperties: { type: 'string' },
} as const;

const portNumber = { type: 'integer', minimum: 1, maximum: 65535 } as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

const fileEntryProperties = {
  mode: {
    description: "Octal access mode for the mounted file, e.g. '0600'.",
    type: 'string',
    pattern: FILE_MODE_PATTERN,
  },
  source: {
    description: 'Path (relative to the Score file, or absolute) of a local file whose content is mounted.',
    type: 'string',
    minLength: 1,
  },
  content: {
    description: 'Inline UTF-8 text to write to the file; placeholders are expanded unless noExpand is set.',
    type: 'string',
  },
  binaryContent: {
    description: 'Inline base64 (standard alphabet) bytes for the file; never placeholder-expanded.',
    type: 'string',
  },
  noExpand: {
    description: 'When true, ${...} placeholders in the file content are left untouched.',
    type: 'boolean',
  },
} as const;

/** Exactly one content origin per file. */
const exactlyOneFileOrigin = [
  { required: ['content'] },
  { required: ['binaryContent'] },
  { required: ['source'] },
] as const;

const volumeEntryProperties = {
  source: { description: 'Name of the external volume to mount.', type: 'string' },
  path: { description: 'Optional sub-directory of the volume to mount instead of its root.', type: 'string' },
  readOnly: { description: 'Mount the volume read-only when true.', type: 'boolean' },
} as const;

const computeQuantities = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cpu: {
      description: "CPU amount: whole or fractional cores ('2', '0.5') or milli-cores ('250m').",
      type: 'string',
      pattern: CPU_PATTERN,
    },
    memory: {
      description: "Memory amount in bytes with an optional unit suffix ('128M', '1.5Gi').",
      type: 'string',
      pattern: MEMORY_PATTERN,
    },
  },
} as const;

// ---------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------

export const scoreSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://score-nx.dev/schemas/score-v1b1.json',
  title: 'Score workload (score.dev/v1b1)',
  description:
    'A platform-neutral description of one workload: its containers, the service ports it exposes and the resources it depends on.',
  type: 'object',
  required: ['apiVersion', 'metadata', 'containers'],
  additionalProperties: false,
  properties: {
    apiVersion: {
      description: 'Version of the Score specification this file is written against.',
      const: 'score.dev/v1b1',
    },
    metadata: { $ref: '#/$defs/workloadMetadata' },
    service: { $ref: '#/$defs/service' },
    containers: {
      description: 'The containers of the workload, keyed by container name. At least one is needed.',
      type: 'object',
      minProperties: 1,
      propertyNames: labelKeys,
      additionalProperties: { $ref: '#/$defs/container' },
    },
    resources: {
      description: 'Dependencies the platform must provision for the workload, keyed by resource name.',
      type: 'object',
      propertyNames: labelKeys,
      additionalProperties: { $ref: '#/$defs/resource' },
    },
  },
  $defs: {
    workloadMetadata: {
      description: 'Identity of the workload. Keys other than name and annotations are allowed and kept as-is.',
      type: 'object',
      required: ['name'],
      additionalProperties: true,
      properties: {
        name: {
          description: 'Workload name: a lowercase RFC 1123 label of 2-63 characters.',
          type: 'string',
          pattern: LABEL_PATTERN,
        },
        annotations,
      },
    },

    service: {
      description: 'Network ports the workload publishes to other workloads.',
      type: 'object',
      additionalProperties: false,
      properties: {
        ports: {
          description: 'Published ports keyed by port name (a lowercase RFC 1123 label).',
          type: 'object',
          propertyNames: labelKeys,
          additionalProperties: { $ref: '#/$defs/servicePort' },
        },
      },
    },

    servicePort: {
      description: 'One published port.',
      type: 'object',
      required: ['port'],
      additionalProperties: false,
      properties: {
        port: { description: 'Port number other workloads connect to.', ...portNumber },
        protocol: { description: 'Transport protocol; TCP when omitted.', enum: ['TCP', 'UDP'] },
        targetPort: { description: 'Port the container listens on; same as port when omitted.', ...portNumber },
      },
    },

    container: {
      description: 'One container of the workload.',
      type: 'object',
      required: ['image'],
      additionalProperties: false,
      properties: {
        image: {
          description: "Image reference (name and tag or digest); '.' means an image built from this project.",
          type: 'string',
          minLength: 1,
        },
        command: { description: 'Replaces the entrypoint of the image.', ...stringList },
        args: { description: 'Replaces the default arguments of the image.', ...stringList },
        variables: {
          description: 'Environment variables, keyed by variable name.',
          type: 'object',
          propertyNames: { type: 'string', pattern: VARIABLE_NAME_PATTERN },
          additionalProperties: { type: 'string' },
        },
        files: {
          description:
            'Files to mount, keyed by their absolute path in the container. The array form (with target) is deprecated.',
          type: ['object', 'array'],
          if: { type: 'array' },
          then: { items: { $ref: '#/$defs/legacyFileItem' } },
          else: { additionalProperties: { $ref: '#/$defs/fileEntry' } },
        },
        volumes: {
          description:
            'Volumes to mount, keyed by their mount path in the container. The array form (with target) is deprecated.',
          type: ['object', 'array'],
          if: { type: 'array' },
          then: { items: { $ref: '#/$defs/legacyVolumeItem' } },
          else: { additionalProperties: { $ref: '#/$defs/volumeEntry' } },
        },
        before: {
          description: 'Containers that must reach a given state before this one starts, keyed by container name.',
          type: 'object',
          propertyNames: labelKeys,
          additionalProperties: {
            type: 'object',
            required: ['ready'],
            additionalProperties: false,
            properties: {
              ready: {
                description: 'State the other container must reach first.',
                enum: ['started', 'healthy', 'complete'],
              },
            },
          },
        },
        resources: {
          description: 'Compute requests and limits for the container.',
          type: 'object',
          additionalProperties: false,
          properties: {
            limits: { description: 'Upper bound on compute use.', $ref: '#/$defs/computeQuantities' },
            requests: { description: 'Guaranteed minimum compute.', $ref: '#/$defs/computeQuantities' },
          },
        },
        livenessProbe: { description: 'Restarts the container when it fails.', $ref: '#/$defs/probe' },
        readinessProbe: { description: 'Holds back traffic while it fails.', $ref: '#/$defs/probe' },
      },
    },

    fileEntry: {
      description: "A mounted file in the map form. Set exactly one of 'content', 'binaryContent' or 'source'.",
      type: 'object',
      additionalProperties: false,
      properties: fileEntryProperties,
      oneOf: exactlyOneFileOrigin,
    },

    legacyFileItem: {
      description: "Deprecated array form of a mounted file; 'target' gives the path in the container.",
      deprecated: true,
      type: 'object',
      additionalProperties: false,
      properties: {
        target: { description: 'Path of the file in the container.', type: 'string', minLength: 1 },
        ...fileEntryProperties,
      },
      oneOf: exactlyOneFileOrigin,
    },

    volumeEntry: {
      description: 'A mounted volume in the map form.',
      type: 'object',
      required: ['source'],
      additionalProperties: false,
      properties: volumeEntryProperties,
    },

    legacyVolumeItem: {
      description: "Deprecated array form of a mounted volume; 'target' gives the mount path.",
      deprecated: true,
      type: 'object',
      required: ['source'],
      additionalProperties: false,
      properties: {
        target: { description: 'Mount path in the container.', type: 'string' },
        ...volumeEntryProperties,
      },
    },

    computeQuantities,

    probe: {
      description: "A health check. Give 'httpGet', 'exec' or both (implementations should prefer exec).",
      type: 'object',
      additionalProperties: false,
      properties: {
        httpGet: { $ref: '#/$defs/httpProbe' },
        exec: { $ref: '#/$defs/execProbe' },
      },
      anyOf: [{ required: ['httpGet'] }, { required: ['exec'] }],
    },

    execProbe: {
      description: 'Runs a command in the container; exit code 0 means healthy.',
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: {
        command: { description: 'Executable and its arguments.', ...stringList },
      },
    },

    httpProbe: {
      description: 'Sends an HTTP GET; a 2xx or 3xx response means healthy.',
      type: 'object',
      required: ['port', 'path'],
      additionalProperties: false,
      properties: {
        host: { description: 'Host to connect to (sent as the Host header); the workload IP by default.', type: 'string', minLength: 1 },
        scheme: { description: 'HTTP (default) or HTTPS.', enum: ['HTTP', 'HTTPS'] },
        path: { description: 'Request path.', type: 'string' },
        port: { description: 'Port to connect to.', ...portNumber },
        httpHeaders: {
          description: 'Extra request headers.',
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'value'],
            additionalProperties: false,
            properties: {
              name: { description: 'Header name.', type: 'string', pattern: HEADER_NAME_PATTERN },
              value: { description: 'Header value.', type: 'string', minLength: 1 },
            },
          },
        },
      },
    },

    resource: {
      description: 'A dependency provisioned by the platform.',
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: {
          description: 'Resource type understood by the provisioners in use, e.g. postgres or redis.',
          type: 'string',
          pattern: RESOURCE_TYPE_PATTERN,
        },
        class: {
          description: 'Optional flavour of the type, e.g. large or ha.',
          type: 'string',
          pattern: RESOURCE_TYPE_PATTERN,
        },
        id: {
          description:
            'Optional identity shared across workloads: resources with equal type, class and id are one resource.',
          type: 'string',
          minLength: 2,
          maxLength: 63,
          pattern: RESOURCE_ID_PATTERN,
        },
        metadata: {
          description: 'Resource metadata. Keys other than annotations are allowed.',
          type: 'object',
          additionalProperties: true,
          properties: { annotations },
        },
        params: {
          description: 'Provisioner-specific parameters, passed through unchanged.',
          type: 'object',
          additionalProperties: true,
        },
      },
    },
  },
} as const;

// ---------------------------------------------------------------------------
// Validator
// ---------------------------------------------------------------------------

export type ScoreSchemaError = { path: (string | number)[]; message: string };

let compiled: ValidateFunction | undefined;
let schemaChecker: Ajv2020 | undefined;

function compiledValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    compiled = ajv.compile(scoreSchema);
  }
  return compiled;
}

/**
 * Returns a function that validates a parsed Score document against
 * {@link scoreSchema} and reports problems as `{ path, message }` pairs, sorted
 * by path then message, without duplicates. An empty array means valid.
 */
export function createScoreValidator(): (doc: unknown) => ScoreSchemaError[] {
  const validate = compiledValidator();
  return (doc: unknown) => {
    if (validate(doc)) return [];
    return normalizeErrors(validate.errors ?? [], doc);
  };
}

/** Converts an ajv instancePath (JSON Pointer) to segments, numeric for array indices. */
function toPath(pointer: string, doc: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function normalizeErrors(raw: readonly ErrorObject[], doc: unknown): ScoreSchemaError[] {
  const dropped = new Set<ErrorObject>();
  const replacements = new Map<ErrorObject, string>();

  for (const error of raw) {
    if (error.keyword === 'if' || error.keyword === 'propertyNames') {
      // `if`: the failing then/else branch reports its own errors.
      // `propertyNames`: the inner keyword errors name the offending key.
      dropped.add(error);
      continue;
    }
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;

    const branchErrors = raw.filter((candidate) => isBranchError(candidate, error));
    const fields = requiredOnlyBranches(error.schema);
    if (fields) {
      branchErrors.forEach((e) => dropped.add(e));
      replacements.set(error, describeChoice(error, fields));
      continue;
    }
    // A oneOf that several branches pass: no branch error says what is wrong, the oneOf itself does.
    if (Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas)) {
      branchErrors.forEach((e) => dropped.add(e));
      continue;
    }
    // General combinator: keep only the errors of the branch that came closest
    // (fewest errors; lowest branch index on ties) and drop the summary error.
    const byBranch = new Map<number, ErrorObject[]>();
    for (const e of branchErrors) {
      const index = Number(e.schemaPath.slice(error.schemaPath.length + 1).split('/')[0]);
      byBranch.set(index, [...(byBranch.get(index) ?? []), e]);
    }
    const ranked = [...byBranch.entries()].sort((a, b) => a[1].length - b[1].length || a[0] - b[0]);
    if (ranked.length > 0) {
      dropped.add(error);
      for (const [, errors] of ranked.slice(1)) errors.forEach((e) => dropped.add(e));
    }
  }

  const seen = new Set<string>();
  const result: ScoreSchemaError[] = [];
  for (const error of raw) {
    if (dropped.has(error)) continue;
    const path = toPath(error.instancePath, doc);
    let message = replacements.get(error) ?? describeSchemaError(error, PATTERN_HINTS);
    const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
    if (propertyName !== undefined) {
      path.push(propertyName);
      message = `invalid key ${quote(propertyName)}: ${message}`;
    } else if (error.keyword === 'additionalProperties') {
      path.push(String((error.params as { additionalProperty: unknown }).additionalProperty));
    }
    const key = JSON.stringify([path, message]);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ path, message });
  }
  return result.sort(compareErrors);
}

function compareSegments(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return byCodeUnit(String(a), String(b));
}

function compareErrors(a: ScoreSchemaError, b: ScoreSchemaError): number {
  const length = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < length; i++) {
    const order = compareSegments(a.path[i]!, b.path[i]!);
    if (order !== 0) return order;
  }
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  return byCodeUnit(a.message, b.message);
}

/**
 * A validator for another schema built on this one (the extended schema of a provisioner library), with the same
 * error messages.
 */
export function createValidatorFor(schema: object): (doc: unknown) => ScoreSchemaError[] {
  // Checked against the meta-schema as Ajv's compile would (same message), by one instance for the process: each
  // new instance compiles the meta-schema again (some 40 ms), and a render builds one validator per environment.
  schemaChecker ??= new Ajv2020({ strict: false, allErrors: true });
  if (!schemaChecker.validateSchema(schema)) throw new Error(`schema is invalid: ${schemaChecker.errorsText(schemaChecker.errors)}`);
  // A fresh instance per schema: the schemas of two library contents or environments may carry the same $id.
  const validate = new Ajv2020({ allErrors: true, strict: false, verbose: true, validateSchema: false }).compile(schema);
  return (doc: unknown) => (validate(doc) ? [] : normalizeErrors(validate.errors ?? [], doc));
}
