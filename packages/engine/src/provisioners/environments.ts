import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import semver from 'semver';
import { UserError } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import { ajvMessage, pointerToPath } from './library';

export const ENVIRONMENTS_DIR = 'environments';
export const SERVICE_CONFIG_FILE = 'service-config.yaml';

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
    capabilities: { type: 'object' },
    namespace: {
      type: 'object',
      additionalProperties: false,
      properties: { fromMetadata: { type: 'string' }, suffix: { type: 'string' } },
    },
  },
} as const;

const SERVICE_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['environments'],
  properties: {
    environments: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          provisioners: { type: 'string', minLength: 1 },
          images: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ strict: false });
const validateEnvironment = ajv.compile(ENVIRONMENT_SCHEMA);
const validateServiceConfig = ajv.compile(SERVICE_CONFIG_SCHEMA);

function check(doc: YamlSource, validate: ValidateFunction): void {
  if (!validate(doc.data)) {
    const e = validate.errors![0]!;
    const path = pointerToPath(e.instancePath);
    if (e.keyword === 'additionalProperties') path.push(String(e.params['additionalProperty']));
    throw doc.error(path, ajvMessage(e));
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
    const doc = parseYamlMapping(file, readFileSync(join(dir, entry), 'utf8'), 'environment definition');
    check(doc, validateEnvironment);
    const d = doc.data as Partial<EnvironmentDefinition>;
    envs.set(m[1]!, {
      name: m[1]!,
      ...(d.description !== undefined ? { description: d.description } : {}),
      kubernetesVersion: d.kubernetesVersion!,
      provisioners: d.provisioners ?? 'workspace',
      preview: d.preview ?? false,
      metadata: d.metadata ?? {},
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

/** A service's deploy config: per environment, the images and the library version. */
export interface ServiceConfig {
  file: string;
  source: YamlSource;
  environments: Record<string, { provisioners?: string; images?: Record<string, string> }>;
}

export function loadServiceConfig(serviceDir: string, displayDir: string): ServiceConfig | undefined {
  const abs = join(serviceDir, SERVICE_CONFIG_FILE);
  if (!existsSync(abs)) return undefined;
  const file = displayDir ? `${displayDir}/${SERVICE_CONFIG_FILE}` : SERVICE_CONFIG_FILE;
  const doc = parseYamlMapping(file, readFileSync(abs, 'utf8'), 'service config');
  check(doc, validateServiceConfig);
  return { file, source: doc, environments: (doc.data['environments'] ?? {}) as ServiceConfig['environments'] };
}

/** The library version a service uses in an environment: the service's pin, else the environment's default. */
export function libraryVersionFor(env: EnvironmentDefinition, config: ServiceConfig | undefined): string {
  const version = config?.environments[env.name]?.provisioners ?? env.provisioners;
  if (version !== 'workspace' && !semver.valid(version)) {
    const detail = `library version '${version}' must be 'workspace' or a semantic version such as 1.2.0`;
    if (config?.environments[env.name]?.provisioners) throw config.source.error(['environments', env.name, 'provisioners'], detail);
    throw new UserError(`${env.file}: ${detail}`);
  }
  return version;
}
