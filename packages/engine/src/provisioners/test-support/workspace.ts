import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateService } from '../../generate';
import type { GenerateRequest, GenerateResult } from '../../generate';
import { useTempDir } from '../../test-support';
import { loadLibrary, workspaceLibrary } from '../library';
import type { Library } from '../library';

/** Workspace-relative path → file content; `null` removes a file of the base. */
export type Files = Record<string, string | null>;

/**
 * A small platform: three environments, a library.yaml with one required metadata key (`team`, also the namespace
 * and a label), and a `config` template provisioner (a ConfigMap from `configData`, loaded with envFrom).
 */
export const BASE_FILES: Readonly<Files> = {
  'environments/dev.yaml': [
    'kubernetesVersion: 1.33.0',
    'namespace: {fromMetadata: team}',
    'metadata: {region: eu-west-1, domain: dev.example.com}',
    'capabilities: {flavor: new}',
    '',
  ].join('\n'),
  'environments/prod.yaml': [
    'kubernetesVersion: 1.31.0',
    'namespace: {fromMetadata: team}',
    'metadata: {region: us-east-1, domain: example.com}',
    'capabilities: {flavor: old}',
    '',
  ].join('\n'),
  'environments/preview.yaml': [
    'kubernetesVersion: 1.33.0',
    'preview: true',
    'namespace: {fromMetadata: team, suffix: "-pr-{pr}"}',
    'metadata: {region: eu-west-1, domain: "pr-{pr}.preview.example.com"}',
    '',
  ].join('\n'),
  'provisioners/library.yaml': [
    'labels: {platform.example.com/team: team}',
    'workloadMetadata:',
    '  properties: {team: {type: string}}',
    '  required: [team]',
    '',
  ].join('\n'),
  'provisioners/config/provisioner.yaml': [
    'type: config',
    'description: A ConfigMap from configData, loaded with envFrom.',
    'params:',
    '  type: object',
    '  additionalProperties: false',
    '  required: [configData]',
    '  properties:',
    '    configData: {type: object, additionalProperties: {type: string}}',
    'outputs: [name]',
    'templates: {outputs: outputs.yaml.njk, workload: workload.yaml.njk, manifests: manifests.yaml.njk}',
    '',
  ].join('\n'),
  'provisioners/config/outputs.yaml.njk': 'name: {{ dnsLabel(workload.name, resource.name) }}\n',
  'provisioners/config/workload.yaml.njk': 'envFrom:\n  - configMapRef: {name: {{ dnsLabel(workload.name, resource.name) }}}\n',
  'provisioners/config/manifests.yaml.njk': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ dnsLabel(workload.name, resource.name) }}',
    'data:',
    '{% for key, value in resource.params.configData %}',
    '  {{ key }}: {{ value }}',
    '{% endfor %}',
    '',
  ].join('\n'),
};

/** A Score file for `services/<name>`: one container, image `.` unless given, and the given extra YAML lines. */
export function scoreYaml(name: string, extra: string[] = [], image = 'nginx:1.27'): string {
  const hasContainers = extra.some((l) => l.startsWith('containers:'));
  return [
    'apiVersion: score.dev/v1b1',
    'metadata:',
    `  name: ${name}`,
    '  team: team-a',
    ...(hasContainers ? [] : ['containers:', '  main:', `    image: ${JSON.stringify(image)}`]),
    ...extra,
    '',
  ].join('\n');
}

export interface Workspace {
  root: string;
  /** Writes (or, for `null`, removes) files. */
  write(files: Files): void;
  generate(service: string, environment: string, extra?: Partial<GenerateRequest>): GenerateResult;
  library(): Library;
  git(...args: string[]): string;
  /** `git add -A && git commit`; returns the new HEAD. */
  commit(message: string): string;
}

/**
 * A temp workspace (removed after the test) with BASE_FILES (unless `base: false`) and `files` over them.
 * Files that start with `#!` are made executable. With `git: true` it is a repository with one commit.
 */
export function createWorkspace(files: Files = {}, options: { base?: boolean; git?: boolean } = {}): Workspace {
  const root = useTempDir('score-nx-ws-');
  const write = (map: Files) => {
    for (const [path, content] of Object.entries(map)) {
      const target = join(root, path);
      if (content === null) {
        rmSync(target, { force: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      if (content.startsWith('#!')) chmodSync(target, 0o755);
    }
  };
  write({ ...(options.base === false ? {} : BASE_FILES), ...files });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .toString()
      .trim();
  const ws: Workspace = {
    root,
    write,
    generate: (service, environment, extra = {}) => generateService({ workspaceRoot: root, serviceDir: `services/${service}`, environment, ...extra }),
    library: () => loadLibrary(workspaceLibrary(root)),
    git,
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
  if (options.git) {
    git('init', '-q', '-b', 'main');
    ws.commit('initial');
  }
  return ws;
}

/** The message of the error `fn` throws (fails when it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error, got none');
}
