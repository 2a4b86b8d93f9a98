import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorContext } from '@nx/devkit';
import { createScoreNodes } from '../../plugin/create-nodes';
import { sampleWorkspace, tempWorkspace, writeFiles } from '../../test-support/workspace';
import { newSession, runGenerate } from '../generate/executor';
import type { GenerateExecutorOptions } from '../generate/schema';
import { runValidate } from './executor';
import type { ValidateExecutorOptions } from './schema';

// The workspace's own schemas/ (the temp workspaces of these tests have none of their own).
const schemas = resolve(__dirname, '../../../../../schemas');
let dispose = () => {};
afterEach(() => dispose());

describe('validate executor (kubeconform, the workspace schemas/)', () => {
  it('validates each rendered environment against its Kubernetes version and reports invalid objects', async () => {
    const files = sampleWorkspace();
    const ws = tempWorkspace({ ...files, 'environments/prod.yaml': files['environments/prod.yaml']!.replace('provisioners: 1.0.0', 'provisioners: workspace') });
    dispose = ws.dispose;
    const options = { schemaLocations: [`${schemas}/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json`] };
    const [[, result]] = createScoreNodes(['services/alpha/score.yaml'], options, { nxJsonConfiguration: {}, workspaceRoot: ws.root }) as [[string, { projects: Record<string, { targets: Record<string, { options: unknown; configurations: Record<string, unknown> }> }> }]];
    const targets = result.projects['services/alpha']!.targets;
    const context = { root: ws.root, projectsConfigurations: { version: 2, projects: { alpha: { root: 'services/alpha', targets } } } } as unknown as ExecutorContext;
    const generate = { ...(targets['generate']!.options as object), ...(targets['generate']!.configurations['dev'] as object) } as GenerateExecutorOptions;
    expect(runGenerate(generate, { project: 'alpha', target: 'generate', configuration: 'dev' }, context, newSession(ws.root)).success).toBe(true);
    const validate = { ...(targets['validate']!.options as object), ...(targets['validate']!.configurations['dev'] as object) } as ValidateExecutorOptions;
    const task = { project: 'alpha', target: 'validate', configuration: 'dev' };
    const ok = await runValidate(validate, task, context, new Map());
    expect(ok).toEqual({ success: true, lines: ['alpha (dev, Kubernetes 1.33.0): 4 valid'] });

    writeFiles(ws.root, { 'dist/manifests/dev/alpha/manifests.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n' });
    const bad = await runValidate(validate, task, context, new Map());
    expect(bad.success).toBe(false);
    expect(bad.lines[0]).toMatch(/^dist\/manifests\/dev\/alpha\/manifests\.yaml: ConfigMap x is invalid: /);
  });

  it('fails a service whose own files cannot be read with the message createNodes recorded, in generate and validate', async () => {
    const ws = tempWorkspace({ ...sampleWorkspace(), 'services/alpha/score.yaml': 'metadata:\n  name: alpha\ncontainers: [\n' });
    dispose = ws.dispose;
    const [[, result]] = createScoreNodes(['services/alpha/score.yaml'], {}, { nxJsonConfiguration: {}, workspaceRoot: ws.root }) as [[string, { projects: Record<string, { targets: Record<string, { options: unknown }> }> }]];
    const targets = result.projects['services/alpha']!.targets;
    const context = { root: ws.root, projectsConfigurations: { version: 2, projects: { alpha: { root: 'services/alpha', targets } } } } as unknown as ExecutorContext;
    const expected = { success: false, lines: [expect.stringMatching(/^services\/alpha\/score\.yaml:4:1: invalid YAML: /)] };
    expect(runGenerate(targets['generate']!.options as GenerateExecutorOptions, { project: 'alpha', target: 'generate', configuration: undefined }, context, newSession(ws.root))).toEqual(expected);
    expect(await runValidate(targets['validate']!.options as ValidateExecutorOptions, { project: 'alpha', target: 'validate', configuration: undefined }, context, new Map())).toEqual(expected);
  });

  it('says where it looked for schemas when one is missing', async () => {
    const ws = tempWorkspace({ 'dist/manifests/dev/alpha/manifests.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' });
    dispose = ws.dispose;
    const context = { root: ws.root, projectsConfigurations: { version: 2, projects: { alpha: { root: 'services/alpha', targets: {} } } } } as unknown as ExecutorContext;
    const options: ValidateExecutorOptions = { environment: 'dev', environments: ['dev'], kubernetesVersions: { dev: '1.33.0' }, schemaLocations: [`${schemas}/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json`] };
    const r = await runValidate(options, { project: 'alpha', target: 'validate', configuration: undefined }, context, new Map());
    expect(r).toEqual({
      success: false,
      lines: [
        'dist/manifests/dev/alpha/manifests.yaml: Widget w is error: could not find schema for Widget',
        `  schemas were looked up in: ${schemas}/kubernetes/{{ .NormalizedKubernetesVersion }}/_definitions.json (Kubernetes 1.33.0); run 'npx score-nx schemas pull' after the library emits a new kind`,
        'alpha (dev, Kubernetes 1.33.0): 1 error',
      ],
    });
  });
});
