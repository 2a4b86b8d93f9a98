import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HasherContext } from '@nx/devkit';
import { tempWorkspace, writeFiles } from '../../test-support/workspace';
import { rendersFingerprint, validateTaskHash } from './hasher';

let dispose = () => {};
afterEach(() => dispose());

/** The validate target as createNodes builds it (the fields the hasher reads). */
const validateTarget = {
  options: { environment: '*', environments: ['dev', 'prod'], outputRoot: 'dist/manifests', kubernetesVersions: { dev: '1.33.0', prod: '1.31.0' } },
  configurations: { dev: { environment: 'dev', environments: ['dev'], kubernetesVersions: { dev: '1.33.0' } } },
};

const validateTask = (configuration?: string) => ({
  id: configuration ? `alpha:validate:${configuration}` : 'alpha:validate',
  target: { project: 'alpha', target: 'validate', ...(configuration ? { configuration } : {}) },
  overrides: {},
  outputs: [],
});

/**
 * A context as Nx builds it for one run: the task graph (with or without the generate task the validate task
 * depends on), the project configurations, and a hasher whose batched hashTasks answers Nx's own hash of a task.
 */
function context(generateHash: string | undefined | 'absent', configuration?: string, nxHash = 'nx-base'): HasherContext {
  const task = validateTask(configuration);
  const generateId = configuration ? `alpha:generate:${configuration}` : 'alpha:generate';
  const tasks: Record<string, unknown> = { [task.id]: task };
  if (generateHash !== 'absent') tasks[generateId] = { id: generateId, target: { project: 'alpha', target: 'generate' }, ...(generateHash ? { hash: generateHash } : {}) };
  return {
    taskGraph: { roots: [], tasks, dependencies: { [task.id]: generateHash === 'absent' ? [] : [generateId], [generateId]: [] } },
    projectsConfigurations: { version: 2, projects: { alpha: { root: 'services/alpha', targets: { validate: validateTarget } } } },
    hasher: { hashTasks: (ts: Array<{ id: string }>) => Promise.resolve(ts.map((t) => ({ value: `${nxHash}:${t.id}`, details: { command: '', nodes: {} } }))) },
  } as unknown as HasherContext;
}

const render = (env: string, text: string) => ({ [`dist/manifests/${env}/alpha/manifests.yaml`]: text });
const value = async (root: string, ctx: HasherContext, configuration?: string) => (await validateTaskHash(validateTask(configuration) as never, ctx, root)).value;

describe('validate hasher', () => {
  it('keys the renders by the hash of the generate task in the run, without reading them', () => {
    const ws = tempWorkspace({});
    dispose = ws.dispose;
    // The workspace holds no render: the key comes from the generate task's hash alone (the files are not read).
    const a = rendersFingerprint(validateTask() as never, context('g1'), ws.root);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(rendersFingerprint(validateTask() as never, context('g1'), ws.root)).toBe(a);
    // A changed render is a changed generate hash (its inputs, the library, the environment, the engine).
    expect(rendersFingerprint(validateTask() as never, context('g2'), ws.root)).not.toBe(a);
  });

  it('hashes the files on disk when the generate task is not in the run (--excludeTaskDependencies)', () => {
    const ws = tempWorkspace(render('dev', 'kind: ConfigMap\n'));
    dispose = ws.dispose;
    const key = (configuration?: string) => rendersFingerprint(validateTask(configuration) as never, context('absent', configuration), ws.root);
    const devOnly = key('dev');
    const all = key();
    expect(devOnly).toMatch(/^files:[0-9a-f]{16}$/);
    expect(all).not.toBe(devOnly); // every environment: prod's missing render is part of the key
    writeFiles(ws.root, render('prod', 'kind: Service\n'));
    expect(key()).not.toBe(all);
    expect(key('dev')).toBe(devOnly); // dev only reads dev's render
    writeFiles(ws.root, render('dev', 'kind: ConfigMap\nmetadata: {name: x}\n'));
    expect(key('dev')).not.toBe(devOnly);
    rmSync(`${ws.root}/dist`, { recursive: true });
    expect(key('dev')).not.toBe(devOnly);
  });

  it('falls back to the files when the generate task is in the graph but has no hash yet', () => {
    const ws = tempWorkspace(render('dev', 'kind: ConfigMap\n'));
    dispose = ws.dispose;
    expect(rendersFingerprint(validateTask('dev') as never, context(undefined, 'dev'), ws.root)).toBe(rendersFingerprint(validateTask('dev') as never, context('absent', 'dev'), ws.root));
  });

  it("combines Nx's own hash, the renders, policies/ and the validator's code; policies are read once per run", async () => {
    const ws = tempWorkspace({ 'policies/a.yaml': 'kind: ValidatingAdmissionPolicy\n' });
    dispose = ws.dispose;
    const run = context('g1');
    const first = await validateTaskHash(validateTask() as never, run, ws.root);
    expect(first.value).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(first.details.nodes).sort()).toEqual(['score:policies', 'score:renders', 'score:validator']);
    expect(await value(ws.root, context('g1'))).toBe(first.value);
    expect(await value(ws.root, context('g2'))).not.toBe(first.value);
    // Nx's part: the options (Kubernetes versions, schema locations) and the schema files.
    expect(await value(ws.root, context('g1', undefined, 'other-schemas'))).not.toBe(first.value);
    writeFiles(ws.root, { 'policies/a.yaml': 'kind: ValidatingAdmissionPolicy\nmetadata: {name: changed}\n' });
    // Within the run that already read policies/, the key stays (as Nx's own file hashes, taken once per run) ...
    expect(await value(ws.root, run)).toBe(first.value);
    // ... and the next run sees the edit.
    expect(await value(ws.root, context('g1'))).not.toBe(first.value);
  });
});
