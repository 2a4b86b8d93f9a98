// The plugin infers projects from a configurable glob of Score files (option scoreFiles, default **/score.yaml),
// renders the file it inferred the project from, and tags a Score file without platform metadata with the
// library's defaults (issue 13).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AggregateCreateNodesError } from '@nx/devkit';
import type { CreateNodesContextV2, ExecutorContext, ProjectConfiguration } from '@nx/devkit';
import { createNodesV2 } from '../index';
import { newSession, runGenerate } from '../executors/generate/executor';
import type { GenerateExecutorOptions } from '../executors/generate/schema';
import { ENVIRONMENTS, LIBRARY, tempWorkspace } from '../test-support/workspace';
import type { ScorePluginOptions } from './options';

let dispose = () => {};
afterEach(() => dispose());

const PLAIN = (name: string) => `apiVersion: score.dev/v1b1\nmetadata:\n  name: ${name}\ncontainers:\n  main:\n    image: nginx:1.27\n`;

/** The test library, with engineNamespace optional and defaulting to the workload's name. */
const DEFAULTING_LIBRARY = {
  ...LIBRARY,
  'provisioners/library.yaml': LIBRARY['provisioners/library.yaml']!.replace('    engineNamespace: { type: string }\n', '    engineNamespace: { type: string, default: "${metadata.name}" }\n').replace('  required: [engineNamespace]\n', ''),
};

function run(files: Record<string, string>, options?: ScorePluginOptions) {
  const ws = tempWorkspace({ ...ENVIRONMENTS, ...DEFAULTING_LIBRARY, ...files });
  dispose = ws.dispose;
  const context: CreateNodesContextV2 = { nxJsonConfiguration: {}, workspaceRoot: ws.root };
  const results = createNodesV2[1](Object.keys(files).sort(), options, context) as Array<readonly [string, { projects?: Record<string, ProjectConfiguration> }]>;
  return { root: ws.root, results, projects: Object.fromEntries(results.map(([, r]) => Object.values(r.projects!)[0]!).map((p) => [p.name!, p])) };
}

const FILES = {
  'services/product/score.yaml': PLAIN('product'),
  'services/product/score-ai.yaml': PLAIN('product-ai'),
  'services/other/score.fixture.yaml': PLAIN('fixture'),
};

describe('Score files the plugin takes (option scoreFiles)', () => {
  it('hands Nx every YAML file and takes **/score.yaml by default', () => {
    expect(createNodesV2[0]).toBe('**/*.{yaml,yml}');
    const { results, projects } = run(FILES);
    expect(results.map(([file]) => file)).toEqual(['services/product/score.yaml']);
    expect(projects['product']!.targets!['generate']!.options).not.toHaveProperty('scoreFile');
  });

  it('takes the files of a configured glob and renders the file it inferred the project from', () => {
    const { root, results, projects } = run(FILES, { scoreFiles: '**/score-ai.yaml' });
    expect(results.map(([file]) => file)).toEqual(['services/product/score-ai.yaml']);
    const project = projects['product-ai']!;
    expect(project.root).toBe('services/product');
    const target = project.targets!['generate']!;
    expect(target.options).toMatchObject({ scoreFile: 'score-ai.yaml' });
    const context = { root, cwd: root, isVerbose: false, projectsConfigurations: { version: 2, projects }, nxJsonConfiguration: {} } as unknown as ExecutorContext;
    const options = { ...target.options, ...target.configurations!['dev'] } as GenerateExecutorOptions;
    const r = runGenerate(options, { project: 'product-ai', target: 'generate', configuration: 'dev' }, context, newSession(root));
    expect(r).toEqual({ success: true, lines: ['product-ai (dev, provisioners workspace): 1 objects in namespace product-ai -> dist/manifests/dev/product-ai/manifests.yaml'] });
    expect(readFileSync(join(root, 'dist/manifests/dev/product-ai/manifests.yaml'), 'utf8')).toContain('name: product-ai\n');
  });

  it('refuses two Score files of one folder, naming both', () => {
    let caught: unknown;
    try {
      run(FILES, { scoreFiles: '**/score*.yaml' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AggregateCreateNodesError);
    const errors = (caught as AggregateCreateNodesError).errors.map(([file, e]) => [file, e.message]);
    expect(errors).toEqual([
      [
        'services/product/score.yaml',
        'services/product holds two Score files the plugin option scoreFiles (**/score*.yaml) takes: services/product/score-ai.yaml and services/product/score.yaml; a folder is one service (narrow scoreFiles or add one to exclude)',
      ],
    ]);
  });

  it('refuses a glob that names no YAML files', () => {
    expect(() => run(FILES, { scoreFiles: '**/score' })).toThrow('@score-nx/nx-plugin: scoreFiles must be a glob of .yaml or .yml files, got "**/score"');
  });

  it("tags a Score file without platform metadata with the library's default namespace: its name", () => {
    const { projects } = run({ 'services/product/score.yaml': PLAIN('product') });
    expect(projects['product']!.tags).toEqual(['type:score-service', 'namespace:product']);
  });
});
