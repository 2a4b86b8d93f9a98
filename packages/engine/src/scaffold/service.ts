import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../errors';
import { generateService, GenerateCache } from '../generate';
import { loadEnvironments } from '../environments/environments';
import { SERVICE_CONFIG_FILE } from '../environments/service-config';
import { loadLibrary, workspaceLibrary } from '../provisioners/library';
import type { Library } from '../provisioners/library';
import { didYouMean } from '../util/did-you-mean';

export interface ScaffoldServiceOptions {
  name: string;
  /** The team's namespace (the metadata key of library.yaml's platformKeys.namespace); the name when absent. */
  namespace?: string;
  /** The container image every environment starts with, in service-config.yaml. */
  image?: string;
  /** Resource types of the workspace library, one resource each, named after its type. */
  resources?: readonly string[];
  /** The owning team, for the developer portal (metadata.owner); the namespace when absent. */
  owner?: string;
  /** Workspace-relative folder of the new service; `services/<name>` when absent. */
  directory?: string;
}

export interface ScaffoldedService {
  /** Workspace-relative posix folder. */
  directory: string;
  /** Workspace-relative path → content. */
  files: Record<string, string>;
  environments: string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The modeline points at the schema `score-nx schema -o .score.schema.json` writes at the workspace root. */
export const EDITOR_SCHEMA_FILE = '.score.schema.json';
const CONTAINER = 'main';

/** The library's resource types a new service may ask for (the ones that do not need a sibling to work). */
export function scaffoldResourceTypes(library: Library): string[] {
  return [...new Set(library.provisioners.filter((p) => !p.ownsWorkload).map((p) => p.type))].sort();
}

export function loadWorkspaceLibrary(workspaceRoot: string): Library {
  const source = workspaceLibrary(workspaceRoot);
  try {
    return loadLibrary(source);
  } finally {
    source.dispose();
  }
}

/**
 * The files of a new service: a Score file with the editor-schema modeline and the resources asked for, and a
 * service config deploying it to every environment of the workspace with one image. Refuses, before anything is
 * written, a bad name, namespace or resource type, and a folder that exists.
 */
export function scaffoldService(workspaceRoot: string, options: ScaffoldServiceOptions, library = loadWorkspaceLibrary(workspaceRoot)): ScaffoldedService {
  const { name } = options;
  if (!DNS_LABEL.test(name)) throw new UserError(`invalid service name '${name}': use lower-case letters, digits and '-' (a DNS label, at most 63 characters)`);
  const namespace = options.namespace ?? name;
  // The namespace key is the library's (library.yaml platformKeys.namespace), never a name of this code's.
  const nsKey = library.platformKeys.namespace;
  if (nsKey === undefined && options.namespace !== undefined) throw new UserError(`a namespace was given, but the library declares no namespace key (library.yaml platformKeys.namespace)`);
  const nsPattern = nsKey === undefined ? undefined : (library.workloadMetadata.properties[nsKey] as { pattern?: string } | undefined)?.pattern;
  if (!DNS_LABEL.test(namespace) || (nsPattern !== undefined && !new RegExp(nsPattern, 'u').test(namespace))) {
    throw new UserError(`invalid namespace '${namespace}': it must match ${nsPattern ?? DNS_LABEL.source}`);
  }
  const owner = options.owner ?? namespace;
  if (!/^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$/.test(owner)) throw new UserError(`invalid owner '${owner}': letters and digits separated by single '-', '_' or '.'`);
  const image = options.image ?? `registry.example.com/${name}:0.1.0`;
  if (image.trim() === '' || /\s/.test(image)) throw new UserError(`invalid image '${image}': an image reference has no spaces`);
  const known = scaffoldResourceTypes(library);
  const resources = [...new Set(options.resources ?? [])].sort();
  for (const type of resources) {
    if (!known.includes(type)) throw new UserError(`unknown resource type '${type}'${didYouMean(type, known)} (the library provides: ${known.join(', ')})`);
  }
  const directory = posix.normalize(options.directory ?? `services/${name}`).replace(/\/+$/, '');
  if (directory.startsWith('..') || posix.isAbsolute(directory)) throw new UserError(`invalid directory '${directory}': use a folder inside the workspace`);
  if (existsSync(join(workspaceRoot, directory, 'score.yaml'))) throw new UserError(`${directory}/score.yaml already exists`);
  const environments = [...loadEnvironments(workspaceRoot).keys()].sort();
  if (environments.length === 0) throw new UserError('the workspace has no environments/: a service needs at least one environment to deploy to');

  const schemaPath = posix.relative(directory, EDITOR_SCHEMA_FILE);
  const resourceLines = resources.flatMap((type) => {
    const outputs = [...new Set(library.provisioners.filter((p) => p.type === type).flatMap((p) => p.outputs))].sort();
    return [`  ${type}:`, `    type: ${type}`, ...(outputs.length > 0 ? [`    # outputs, as \${resources.${type}.<output>}: ${outputs.join(', ')}`] : [])];
  });
  const score = [
    `# yaml-language-server: $schema=${schemaPath}`,
    `# (write that schema with: npx score-nx schema -o ${EDITOR_SCHEMA_FILE})`,
    'apiVersion: score.dev/v1b1',
    'metadata:',
    `  name: ${name}`,
    ...(nsKey !== undefined ? [`  ${nsKey}: ${namespace}`] : []),
    '  # The owning team, for the developer portal (score-nx catalog).',
    `  owner: ${owner}`,
    'containers:',
    `  ${CONTAINER}:`,
    `    # The image of each environment is in ${SERVICE_CONFIG_FILE}.`,
    '    image: "."',
    ...(resourceLines.length > 0 ? ['resources:', ...resourceLines] : []),
    '',
  ].join('\n');
  const config = [
    `# Where ${name} runs and with which image; \`score-nx promote\` edits the image lines.`,
    'environments:',
    ...environments.flatMap((env) => [`  ${env}:`, '    images:', `      ${CONTAINER}: ${image}`]),
    '',
  ].join('\n');
  return { directory, environments, files: { [`${directory}/score.yaml`]: score, [`${directory}/${SERVICE_CONFIG_FILE}`]: config } };
}

/** Renders a written service once in each of its environments (a preview as pull request 1): one line each. */
export function renderEveryEnvironment(workspaceRoot: string, directory: string, environments: readonly string[]): string[] {
  const cache = new GenerateCache();
  const envs = loadEnvironments(workspaceRoot);
  try {
    return environments.map((env) => {
      const result = generateService({ workspaceRoot, serviceDir: directory, environment: env, cache, ...(envs.get(env)?.preview ? { pr: 1 } : {}) });
      return `${result.service} (${env}, library ${result.libraryVersion}): ${result.objects.length} objects in namespace ${result.namespace}`;
    });
  } finally {
    cache.dispose();
  }
}
