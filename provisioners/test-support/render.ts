import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { generateService } from '@score-nx/engine';
import type { GenerateResult, K8sObject } from '@score-nx/engine';

export const WORKSPACE_ROOT = resolve(__dirname, '../..');

export interface TempService {
  /** Writes a Score file (and optionally a service config and other files) and renders it. */
  render(env?: string, pr?: number): GenerateResult;
  root: string;
  cleanup(): void;
}

/**
 * A temp workspace with the environments/ and provisioners/ of `sourceRoot` (this repository) and one service, so that provisioner
 * tests exercise the real library through the real engine without touching the repository.
 */
export function tempService(scoreYaml: string, serviceConfigYaml?: string, files: Record<string, string> = {}, envMetadata: Record<string, unknown> = {}, sourceRoot = WORKSPACE_ROOT): TempService {
  const root = mkdtempSync(join(tmpdir(), 'score-nx-prov-'));
  // Temp workspaces have no release history: every environment uses the library as it is.
  cpSync(join(sourceRoot, 'environments'), join(root, 'environments'), { recursive: true });
  for (const file of readdirSync(join(root, 'environments'))) {
    const path = join(root, 'environments', file);
    const environment = parseDocument(readFileSync(path, 'utf8'));
    environment.set('provisioners', 'workspace');
    // Platform-owned metadata comes from the environment only: tests that need more of it, or other values, set it there.
    for (const [key, value] of Object.entries(envMetadata)) environment.setIn(['metadata', key], value);
    writeFileSync(path, environment.toString());
  }
  cpSync(join(sourceRoot, 'provisioners'), join(root, 'provisioners'), {
    recursive: true,
    filter: (src) => !src.includes('node_modules') && !src.endsWith('.test.ts'),
  });
  const dir = join(root, 'services', 'svc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'score.yaml'), scoreYaml);
  if (serviceConfigYaml !== undefined) writeFileSync(join(dir, 'service-config.yaml'), serviceConfigYaml);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return {
    root,
    render: (env = 'dev', pr?: number) => generateService({ workspaceRoot: root, serviceDir: 'services/svc', environment: env, ...(pr !== undefined ? { pr } : {}) }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Renders a service of this repository (read-only). */
export function renderRepoService(service: string, env: string, pr?: number): GenerateResult {
  return generateService({ workspaceRoot: WORKSPACE_ROOT, serviceDir: `services/${service}`, environment: env, ...(pr !== undefined ? { pr } : {}) });
}

export function findObject(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found[0]!;
}
