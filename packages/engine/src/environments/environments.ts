import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { UserError } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import { readDocumentText } from '../util/files';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import { describeSchemaError, errorPath, primaryError } from '../schema-errors';
import { compiledOnFirstUse } from '../util/lazy-validator';

export const ENVIRONMENTS_DIR = 'environments';

/** An environment as defined in `environments/<name>.yaml`. */
export interface EnvironmentDefinition {
  name: string;
  description?: string;
  kubernetesVersion: string;
  /** The library version used unless a service pins another: `workspace` or a release. */
  provisioners: string;
  /** A preview environment is rendered per pull request (`--pr N`); `{pr}` in metadata and namespace is replaced. */
  preview: boolean;
  /** Platform metadata visible to `${metadata.*}` and to provisioners (region, domain, cluster, account...). */
  metadata: Record<string, unknown>;
  /**
   * The metadata keys a Score file may set (besides `name` and `annotations`); every other key is platform-owned.
   * Undefined: any key the environment's own metadata does not define.
   */
  workloadMetadata?: readonly string[];
  /** Namespaces no service may render into: names, or patterns ending in `*` (`istio-*`). */
  reservedNamespaces: readonly string[];
  /**
   * When defined, the namespaces services may deploy to, each with the owners allowed there (the owner part of
   * the workload's `metadata.repoSlug`, `owner/name`). A service outside the map is refused.
   */
  namespaceOwners?: Readonly<Record<string, readonly string[]>>;
  /** What the environment's clusters support, e.g. which API versions to emit. */
  capabilities: Record<string, unknown>;
  /** How the namespace is chosen: a workload metadata key, and a suffix (`-pr-{pr}` for previews). */
  namespace: { fromMetadata: string; suffix: string };
  file: string;
}

/** The environment of one render: a definition with the pull request number applied. */
export interface ResolvedEnvironment extends EnvironmentDefinition {
  pr?: number;
}

const ENVIRONMENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['kubernetesVersion'],
  properties: {
    description: { type: 'string' },
    kubernetesVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    provisioners: { type: 'string', minLength: 1 },
    preview: { type: 'boolean' },
    metadata: { type: 'object' },
    workloadMetadata: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    reservedNamespaces: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9-]+\\*?$' }, uniqueItems: true },
    namespaceOwners: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } } },
    capabilities: { type: 'object' },
    namespace: {
      type: 'object',
      additionalProperties: false,
      properties: { fromMetadata: { type: 'string' }, suffix: { type: 'string' } },
    },
  },
} as const;

const ajv = new Ajv2020({ strict: false, verbose: true });
const validateEnvironment = compiledOnFirstUse(() => ajv.compile(ENVIRONMENT_SCHEMA));

export function check(doc: YamlSource, validate: ValidateFunction): void {
  if (!validate(doc.data)) {
    const e = primaryError(validate.errors!);
    throw doc.error(errorPath(e), describeSchemaError(e));
  }
}

/** Every environment of the workspace, by name (the file name without `.yaml`). */
export function loadEnvironments(workspaceRoot: string): Map<string, EnvironmentDefinition> {
  const dir = join(workspaceRoot, ENVIRONMENTS_DIR);
  const envs = new Map<string, EnvironmentDefinition>();
  if (!existsSync(dir)) return envs;
  for (const entry of readdirSync(dir).sort()) {
    const m = /^([a-z0-9][a-z0-9-]*)\.ya?ml$/.exec(entry);
    if (!m) continue;
    const file = `${ENVIRONMENTS_DIR}/${entry}`;
    const doc = parseYamlMapping(file, readDocumentText(join(dir, entry), file, 'environment definition'), 'environment definition');
    check(doc, validateEnvironment);
    const d = doc.data as Partial<EnvironmentDefinition>;
    envs.set(m[1]!, {
      name: m[1]!,
      ...(d.description !== undefined ? { description: d.description } : {}),
      kubernetesVersion: d.kubernetesVersion!,
      provisioners: d.provisioners ?? 'workspace',
      preview: d.preview ?? false,
      metadata: d.metadata ?? {},
      ...(d.workloadMetadata !== undefined ? { workloadMetadata: d.workloadMetadata } : {}),
      reservedNamespaces: d.reservedNamespaces ?? [],
      ...(d.namespaceOwners !== undefined ? { namespaceOwners: d.namespaceOwners } : {}),
      capabilities: d.capabilities ?? {},
      namespace: { fromMetadata: d.namespace?.fromMetadata ?? 'namespace', suffix: d.namespace?.suffix ?? '' },
      file,
    });
  }
  return envs;
}

export function resolveEnvironment(envs: Map<string, EnvironmentDefinition>, name: string, pr?: number): ResolvedEnvironment {
  const env = envs.get(name);
  if (!env) {
    throw new UserError(`unknown environment '${name}'${didYouMean(name, envs.keys())} (environments: ${[...envs.keys()].join(', ') || 'none defined in environments/'})`);
  }
  if (env.preview) {
    if (pr === undefined) throw new UserError(`environment '${name}' is a preview environment: give the pull request number with --pr`);
    if (!Number.isInteger(pr) || pr <= 0) throw new UserError(`--pr must be a positive whole number, got '${pr}'`);
    const fill = (v: unknown): unknown =>
      typeof v === 'string' ? v.replaceAll('{pr}', String(pr)) : Array.isArray(v) ? v.map(fill) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)])) : v;
    return { ...env, metadata: fill(env.metadata) as Record<string, unknown>, namespace: { ...env.namespace, suffix: env.namespace.suffix.replaceAll('{pr}', String(pr)) }, pr };
  }
  if (pr !== undefined) throw new UserError(`environment '${name}' is not a preview environment: --pr applies only to preview environments`);
  return env;
}

/** Keys of workload metadata that are not platform-owned: the Score file's identity and annotations. */
const ALWAYS_WORKLOAD_OWNED = new Set(['name', 'annotations']);

/**
 * The first key of a Score file's metadata that only the platform may set: one the environment's metadata defines
 * (accounts, role ARNs, clusters, domains, gateways...), or, when the environment lists `workloadMetadata`, any
 * key outside that list. Undefined when the workload sets only keys it owns.
 */
export function platformOwnedKeySetBy(env: EnvironmentDefinition, workloadMetadata: Record<string, unknown>): string | undefined {
  const allowed = env.workloadMetadata ? new Set(env.workloadMetadata) : undefined;
  return Object.keys(workloadMetadata).sort().find((key) => {
    if (ALWAYS_WORKLOAD_OWNED.has(key)) return false;
    if (Object.hasOwn(env.metadata, key)) return true;
    return allowed !== undefined && !allowed.has(key);
  });
}

/**
 * Why a service may not render into `namespace` in this environment, or undefined when it may: the namespace is
 * reserved by the platform, or the environment maps namespaces to owners and the service's owner is not one.
 */
export function namespaceRefusal(env: EnvironmentDefinition, namespace: string, repoSlug: unknown): string | undefined {
  const reserved = env.reservedNamespaces.find((p) => (p.endsWith('*') ? namespace.startsWith(p.slice(0, -1)) : namespace === p));
  if (reserved !== undefined) return `namespace '${namespace}' is reserved by the platform in environment '${env.name}' (${env.file}: reservedNamespaces ${reserved})`;
  if (env.namespaceOwners === undefined) return undefined;
  const owner = typeof repoSlug === 'string' && repoSlug.includes('/') ? repoSlug.slice(0, repoSlug.indexOf('/')) : undefined;
  if (!Object.hasOwn(env.namespaceOwners, namespace)) return `namespace '${namespace}' is not one that services may deploy to in environment '${env.name}' (${env.file}: namespaceOwners)`;
  const owners = env.namespaceOwners[namespace]!;
  if (owner === undefined || !owners.includes(owner)) {
    return `namespace '${namespace}' belongs to ${owners.join(', ') || 'nobody'} in environment '${env.name}' (${env.file}: namespaceOwners), and the service's owner (metadata.repoSlug) is ${owner === undefined ? 'not set' : `'${owner}'`}`;
  }
  return undefined;
}
