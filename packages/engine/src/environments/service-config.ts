import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { throwCollected, UserError } from '../errors';
import { createValidatorFor } from '../score/score-schema';
import { readDocumentText } from '../util/files';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import type { EnvironmentDefinition } from './environments';


export const SERVICE_CONFIG_FILE = 'service-config.yaml';

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
          // Dotted Score paths → the value to set there, or null to delete it (see overrides.ts).
          overrides: { type: 'object' },
        },
      },
    },
  },
} as const;

// Every error at once (allErrors, de-duplicated), with the Score file's wording.
// Compiled on first use (see util/lazy-validator.ts).
let serviceConfigValidator: ReturnType<typeof createValidatorFor> | undefined;
const validateServiceConfig = (data: unknown) => (serviceConfigValidator ??= createValidatorFor(SERVICE_CONFIG_SCHEMA))(data);

/** A service's deploy config: per environment, the images, the library version and overrides of the Score file. */
export interface ServiceConfig {
  file: string;
  source: YamlSource;
  environments: Record<string, { provisioners?: string; images?: Record<string, string>; overrides?: Record<string, unknown> }>;
}

export function loadServiceConfig(serviceDir: string, displayDir: string): ServiceConfig | undefined {
  const abs = join(serviceDir, SERVICE_CONFIG_FILE);
  // lstat: a dangling symlink is a broken config, not a missing one.
  if (!lstatSync(abs, { throwIfNoEntry: false })) return undefined;
  const file = displayDir ? `${displayDir}/${SERVICE_CONFIG_FILE}` : SERVICE_CONFIG_FILE;
  return parseServiceConfig(file, readServiceConfigText(abs, file, serviceDir));
}

/** The text of a service config, read with the loader's checks (a regular file of bounded size, inside the folder, UTF-8). */
export function readServiceConfigText(abs: string, file: string, serviceDir: string): string {
  return readDocumentText(abs, file, 'service config', serviceDir);
}

/** A service config's text, parsed and checked (`file`: its name in messages). */
export function parseServiceConfig(file: string, text: string): ServiceConfig {
  const doc = parseYamlMapping(file, text, 'service config', { exactNumbers: true });
  throwCollected(validateServiceConfig(doc.data).map((e) => doc.error(e.path, e.message)));
  return { file, source: doc, environments: (doc.data['environments'] ?? {}) as ServiceConfig['environments'] };
}

/** What of a service config decides library versions and where a service deploys: the environments and their pins. */
export interface LibraryPins {
  file: string;
  source: YamlSource;
  environments: Record<string, { provisioners?: string }>;
}

/** The library version a service uses in an environment: the service's pin, else the environment's default. */
export function libraryVersionFor(env: EnvironmentDefinition, config: LibraryPins | undefined): string {
  const version = config?.environments[env.name]?.provisioners ?? env.provisioners;
  if (version !== 'workspace' && !semver.valid(version)) {
    const detail = `library version '${version}' must be 'workspace' or a semantic version such as 1.2.0`;
    if (config?.environments[env.name]?.provisioners) throw config.source.error(['environments', env.name, 'provisioners'], detail);
    throw new UserError(`${env.file}: ${detail}`);
  }
  return version;
}
