import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors';
import { loadEnvironments } from '../environments/environments';
import { generateService, GenerateCache } from '../generate';
import type { Library } from '../provisioners/library';
import { loadWorkspaceLibrary } from './service';

export interface ScaffoldProvisionerOptions {
  /** The resource type the new provisioner serves; also the folder name. */
  type: string;
  /** The one-line description of provisioner.yaml. */
  description?: string;
}

export interface ScaffoldedProvisioner {
  /** Workspace-relative posix folder: `provisioners/<type>`. */
  directory: string;
  /** Workspace-relative path → content, goldens included. */
  files: Record<string, string>;
}

const TYPE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The pull request a preview golden is rendered for: the one the library contract suite renders. */
export const CONTRACT_PREVIEW_PR = 42;

/**
 * The files of a new provisioner folder that the library contract suite (provisioners/contract.test.ts) accepts as
 * they are: a definition whose params refuse unknown keys, one manifests template, a README, the example Score file
 * and its render in every environment of the workspace (the goldens). A start to edit: the template emits one
 * ConfigMap, every value through `{{ }}`, names from `dnsLabel`.
 */
export function scaffoldProvisioner(workspaceRoot: string, options: ScaffoldProvisionerOptions, library: Library = loadWorkspaceLibrary(workspaceRoot)): ScaffoldedProvisioner {
  const { type } = options;
  if (!TYPE.test(type)) throw new UserError(`invalid provisioner type '${type}': use lower-case letters, digits and '-' (a DNS label, at most 63 characters)`);
  const directory = `provisioners/${type}`;
  if (existsSync(join(workspaceRoot, directory))) throw new UserError(`${directory} already exists`);
  const taken = library.provisioners.find((p) => p.type === type);
  if (taken) throw new UserError(`type '${type}' already has a provisioner (provisioners/${taken.folder}): add a class to it instead`);
  const description = (options.description ?? '').trim() || `A ConfigMap for a '${type}' resource (a start: edit manifests.yaml.njk).`;
  if (/[\r\n]/.test(description)) throw new UserError('the description is one line');

  const definition = [
    `type: ${type}`,
    `description: ${JSON.stringify(description)}`,
    'params:',
    '  type: object',
    '  additionalProperties: false',
    '  properties:',
    '    text:',
    '      description: The text the ConfigMap holds.',
    '      type: string',
    '      default: hello',
    'outputs: []',
    'templates:',
    '  manifests: manifests.yaml.njk',
    '',
  ].join('\n');
  const manifests = [
    '{# One ConfigMap per resource: its name from dnsLabel (valid, at most 63 characters), every value in double braces (one YAML scalar). #}',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: {{ dnsLabel(workload.name, resource.name) }}`,
    'data:',
    '  text: {{ resource.params.text }}',
    '',
  ].join('\n');
  const readme = [
    `# ${type}`,
    '',
    description,
    '',
    '## Params',
    '',
    '| param | type | default | description |',
    '| --- | --- | --- | --- |',
    '| `text` | string | `hello` | The text the ConfigMap holds. |',
    '',
    '## Outputs',
    '',
    'None.',
    '',
    '## Objects',
    '',
    '- `ConfigMap` `<workload>-<resource>` with `data.text`.',
    '',
    'The goldens of `__golden__/` are the example rendered in every environment; after changing a template, rewrite',
    `them with \`UPDATE_GOLDENS=1 npx vitest run provisioners/contract.test.ts -t ${type}\` and read the diff.`,
    '',
  ].join('\n');
  const example = [
    'apiVersion: score.dev/v1b1',
    'metadata:',
    '  name: shop',
    '  engineNamespace: payments',
    '  level1System: checkout',
    'containers:',
    '  web:',
    '    image: "registry.example.com/shop:1.0.0"',
    '    resources:',
    '      requests: {cpu: 200m, memory: 256Mi}',
    'resources:',
    `  ${type}:`,
    `    type: ${type}`,
    '    params:',
    '      text: hi',
    '',
  ].join('\n');
  const files: Record<string, string> = {
    [`${directory}/provisioner.yaml`]: definition,
    [`${directory}/manifests.yaml.njk`]: manifests,
    [`${directory}/README.md`]: readme,
    [`${directory}/__golden__/example.score.yaml`]: example,
  };
  return { directory, files: { ...files, ...renderExampleGoldens(workspaceRoot, directory, files) } };
}

/**
 * The example of a provisioner folder not yet on disk, rendered with the workspace library in every environment, as
 * the contract suite renders it (the workspace library, a preview as pull request {@link CONTRACT_PREVIEW_PR}). The
 * render runs in a temporary copy of environments/ and provisioners/ with the new files, removed afterwards.
 */
function renderExampleGoldens(workspaceRoot: string, directory: string, newFiles: Record<string, string>): Record<string, string> {
  const temp = mkdtempSync(join(tmpdir(), 'score-nx-provisioner-'));
  const cache = new GenerateCache();
  try {
    for (const dir of ['environments', 'provisioners']) {
      if (existsSync(join(workspaceRoot, dir))) cpSync(join(workspaceRoot, dir), join(temp, dir), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
    }
    for (const [path, content] of Object.entries(newFiles)) {
      mkdirSync(dirname(join(temp, path)), { recursive: true });
      writeFileSync(join(temp, path), content);
    }
    // The contract renders the parsed example, not its text: the same here, so that the goldens are its.
    const example = parse(newFiles[`${directory}/__golden__/example.score.yaml`]!) as unknown;
    mkdirSync(join(temp, 'services/example'), { recursive: true });
    writeFileSync(join(temp, 'services/example/score.yaml'), JSON.stringify(example, null, 2));
    const goldens: Record<string, string> = {};
    for (const [name, env] of [...loadEnvironments(temp)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const result = generateService({
        workspaceRoot: temp,
        serviceDir: 'services/example',
        environment: name,
        libraryVersion: 'workspace',
        cache,
        ...(env.preview ? { pr: CONTRACT_PREVIEW_PR } : {}),
      });
      goldens[`${directory}/__golden__/example.${name}.yaml`] = result.yaml;
    }
    return goldens;
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`the new provisioner's example does not render, nothing was written: ${err.message}`);
    throw err;
  } finally {
    cache.dispose();
    rmSync(temp, { recursive: true, force: true });
  }
}
