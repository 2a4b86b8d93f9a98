import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { emittedKinds, loadEnvironments, loadLibraryVersion, parseYamlMapping, readReleases, UserError } from '@score-nx/engine';
import type { EmittedKind } from '@score-nx/engine';
import { checkSchemas, DEFAULT_SCHEMA_SOURCES, pullSchemas, SchemaPullError } from '@score-nx/kubeconform';
import type { SchemaSource, SchemaSources } from '@score-nx/kubeconform';
import type { CliIo } from '../io';
import { logger } from '../io';
import { findWorkspaceRoot } from '../workspace';

/** The workspace's schema folder, relative to its root: what `validate` reads by default. */
export const SCHEMAS_DIR = 'schemas';
/** Optional workspace settings; `schemas.kubernetes` / `schemas.crds` configure where `schemas pull` reads. */
export const WORKSPACE_CONFIG_FILE = 'score-nx.yaml';

export function registerSchemas(program: Command, io: CliIo): void {
  const group = program.command('schemas').description(`the workspace's validation schemas (${SCHEMAS_DIR}/): pull them, check them`);
  group
    .command('pull')
    .description(`write ${SCHEMAS_DIR}/ with exactly the schemas validation needs: the Kubernetes versions of environments/ and the kinds the provisioner library emits`)
    .option('--from-kubernetes <dir|url-template>', 'read Kubernetes definitions from here (a mirror folder in the registry layout, or a location template)')
    .option('--from-crds <dir|url-template>', 'read CRD schemas from here (a mirror folder in the catalog layout, or a location template)')
    .option('--check', `write nothing; exit 1 if ${SCHEMAS_DIR}/ is stale against the library and environments`)
    .action(async (flags: { fromKubernetes?: string; fromCrds?: string; check?: boolean }) => {
      const root = findWorkspaceRoot(io.cwd, io.env);
      const log = logger(io);
      const needs = workspaceNeeds(root);
      const dir = join(root, SCHEMAS_DIR);
      if (flags.check) {
        const problems = checkSchemas(dir, needs.types, needs.kubernetesVersions, SCHEMAS_DIR);
        if (problems.length > 0) throw new UserError(`${SCHEMAS_DIR}/ is stale:\n  ${problems.join('\n  ')}`);
        log.info(`${SCHEMAS_DIR}/ is up to date: ${needs.types.length} API types, Kubernetes ${needs.kubernetesVersions.join(', ')}`);
        return;
      }
      let files: Map<string, Buffer>;
      try {
        files = await pullSchemas({
          types: needs.types,
          kubernetesVersions: needs.kubernetesVersions,
          sources: readSchemaSources(root),
          from: { ...(flags.fromKubernetes ? { kubernetes: flags.fromKubernetes } : {}), ...(flags.fromCrds ? { crds: flags.fromCrds } : {}) },
          cwd: io.cwd,
        });
      } catch (err) {
        if (err instanceof SchemaPullError) throw new UserError(`schemas pull: ${err.message}`);
        throw err;
      }
      replaceFolder(dir, files);
      const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
      log.info(`wrote ${SCHEMAS_DIR}/: ${files.size} files, ${Math.round(bytes / 1024)} KiB, for ${needs.types.length} API types and Kubernetes ${needs.kubernetesVersions.join(', ')}`);
    });
}

/** The API types every library version in use can emit, and the Kubernetes versions of every environment. */
export function workspaceNeeds(root: string): { types: EmittedKind[]; kubernetesVersions: string[] } {
  const environments = [...loadEnvironments(root).values()];
  // The workspace library and every release: a pinned environment renders with its release's templates.
  const versions = ['workspace', ...readReleases(root).keys()];
  const libraries = versions.map((v) => loadLibraryVersion(root, v));
  try {
    return {
      types: emittedKinds(libraries, environments),
      kubernetesVersions: [...new Set(environments.map((e) => e.kubernetesVersion))].sort(),
    };
  } finally {
    for (const l of libraries) l.source.dispose();
  }
}

function readSchemaSources(root: string): SchemaSources {
  const file = join(root, WORKSPACE_CONFIG_FILE);
  if (!existsSync(file)) return DEFAULT_SCHEMA_SOURCES;
  const doc = parseYamlMapping(WORKSPACE_CONFIG_FILE, readFileSync(file, 'utf8'), 'workspace settings');
  const schemas = doc.data['schemas'];
  if (schemas === undefined) return DEFAULT_SCHEMA_SOURCES;
  if (schemas === null || typeof schemas !== 'object' || Array.isArray(schemas)) throw doc.error(['schemas'], 'must be a mapping with kubernetes and crds');
  const pick = (key: 'kubernetes' | 'crds'): SchemaSource => {
    const v = (schemas as Record<string, unknown>)[key];
    if (v === undefined) return DEFAULT_SCHEMA_SOURCES[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw doc.error(['schemas', key], 'must be a mapping {location, licence, revision?}');
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['location', 'licence', 'revision'].includes(k)) throw doc.error(['schemas', key, k], `unknown key (known: location, licence, revision)`);
    for (const k of ['location', 'licence'] as const) if (typeof o[k] !== 'string' || o[k] === '') throw doc.error(['schemas', key, k], 'must be a non-empty string');
    if (o['revision'] !== undefined && typeof o['revision'] !== 'string') throw doc.error(['schemas', key, 'revision'], 'must be a string');
    return { location: o['location'] as string, licence: o['licence'] as string, ...(o['revision'] ? { revision: o['revision'] as string } : {}) };
  };
  return { kubernetes: pick('kubernetes'), crds: pick('crds') };
}

/** Writes the whole folder next to the old one, then swaps: a failed pull leaves the committed folder as it was. */
function replaceFolder(dir: string, files: Map<string, Buffer>): void {
  const staging = `${dir}.pull-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [rel, content] of files) {
      const target = join(staging, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
