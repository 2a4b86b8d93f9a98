import { join } from 'node:path';
import { byCodeUnit } from '../util/compare';
import { MANAGED_BY } from '../k8s';
import { DocumentError, UserError } from '../errors';
import { toCanonicalYaml } from '../output/canonical-yaml';
import { inScoreFile, loadScoreFile } from '../score/load-score';
import type { LoadedScore } from '../score/load-score';
import { readSourceInside } from '../util/files';
import { shortHash } from '../util/hash';
import { loadEnvironments } from '../environments/environments';
import { loadServiceConfig } from '../environments/service-config';
import { matchProvisioner, withMetadataDefaults } from '../provisioners/library';
import type { Library } from '../provisioners/library';
import { resourceUid } from '../provisioners/runtime';
import { extendedValidator } from '../provisioners/schema';
import { loadWorkspaceLibrary } from '../scaffold/service';

/** A Backstage catalog entity (backstage.io/v1alpha1), as written to catalog-info.yaml. */
export interface CatalogEntity {
  apiVersion: 'backstage.io/v1alpha1';
  kind: 'Component' | 'API' | 'Resource';
  metadata: { name: string; description?: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** The annotation and label keys the entities carry; the Argo CD and Kubernetes plugins read the first three. */
export const CATALOG_ANNOTATIONS = {
  argoCdAppName: 'argocd/app-name',
  argoCdAppSelector: 'argocd/app-selector',
  kubernetesId: 'backstage.io/kubernetes-id',
  kubernetesLabelSelector: 'backstage.io/kubernetes-label-selector',
  environments: 'score-nx.dev/environments',
  scoreFile: 'score-nx.dev/score-file',
  resourceUid: 'score-nx.dev/resource-uid',
} as const;

/** The label the example ApplicationSet (tools/argocd/applicationset.yaml) puts on every Application of a service. */
const ARGOCD_SERVICE_LABEL = 'score-nx.dev/service';
const API_TYPES = ['openapi', 'asyncapi', 'graphql', 'grpc', 'trpc'];
/** Backstage's entity name rule: 63 characters at most, alphanumerics separated by single `-`, `_` or `.`. */
const ENTITY_NAME = /^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$/;

/**
 * The Backstage entities of the given services (workspace-relative folders holding score.yaml): one Component
 * each, the APIs they declare and one Resource per provisioned resource (a shared resource, same `id`, once).
 * Sorted by kind and name, so the same workspace always gives the same file.
 */
export function catalogEntities(workspaceRoot: string, serviceDirs: readonly string[]): CatalogEntity[] {
  const library = loadWorkspaceLibrary(workspaceRoot);
  const environments = [...loadEnvironments(workspaceRoot).keys()];
  const byRef = new Map<string, { entity: CatalogEntity; from: string }>();
  const add = (entity: CatalogEntity, from: string, shared = false) => {
    const ref = `${entity.kind}:${entity.metadata.name}`.toLowerCase();
    const existing = byRef.get(ref);
    if (existing && shared) return;
    if (existing) throw new UserError(`${from}: the catalog entity ${entity.kind} '${entity.metadata.name}' is also produced by ${existing.from}`);
    byRef.set(ref, { entity, from });
  };
  for (const dir of [...serviceDirs].sort()) {
    const serviceDir = join(workspaceRoot, dir);
    const score = loadScoreFile(join(serviceDir, 'score.yaml'), `${dir}/score.yaml`, extendedValidator(library));
    inScoreFile(score, () => serviceEntities(score, dir, serviceDir, environments, library, add));
  }
  const kindOrder = ['Component', 'API', 'Resource'];
  return [...byRef.values()]
    .map((e) => e.entity)
    .sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || byCodeUnit(a.metadata.name, b.metadata.name));
}

/** The catalog as one multi-document YAML file (Backstage reads every document of a catalog-info.yaml). */
export function catalogYaml(workspaceRoot: string, serviceDirs: readonly string[]): string {
  return toCanonicalYaml(catalogEntities(workspaceRoot, serviceDirs));
}

function serviceEntities(
  score: LoadedScore,
  dir: string,
  serviceDir: string,
  workspaceEnvironments: string[],
  library: Library,
  add: (entity: CatalogEntity, from: string, shared?: boolean) => void,
): void {
  const meta = score.workload.metadata;
  const name = meta.name;
  const config = loadServiceConfig(serviceDir, dir);
  // A service without service-config.yaml renders in every environment (docs/architecture.md).
  const environments = (config ? Object.keys(config.environments).filter((e) => workspaceEnvironments.includes(e)) : workspaceEnvironments).sort();
  const owner = ownerOf(meta);
  // The system key is the library's (library.yaml platformKeys.system), with the library's metadata defaults.
  const systemKey = library.platformKeys.system;
  const system = systemKey === undefined ? undefined : optionalString(withMetadataDefaults(library.metadataDefaults, meta), systemKey);
  const lifecycle = optionalString(meta, 'lifecycle') ?? (environments.some((e) => e === 'prod' || e === 'production') ? 'production' : 'experimental');
  const scopedSpec = { owner: `group:${owner}`, ...(system !== undefined ? { system: entityName(system, ['metadata', systemKey!]) } : {}) };

  const apis = declaredApis(score, serviceDir);
  for (const api of apis) {
    add({ apiVersion: 'backstage.io/v1alpha1', kind: 'API', metadata: { name: api.name }, spec: { type: api.type, lifecycle, ...scopedSpec, definition: api.definition } }, score.file);
  }

  const dependsOn: string[] = [];
  for (const [resName, decl] of Object.entries(score.workload.resources ?? {}).sort(([a], [b]) => byCodeUnit(a, b))) {
    const provisioner = matchProvisioner(library, decl.type, decl.class ?? 'default', decl.id);
    // A resource that owns the workload (a rollout strategy) is the Component itself, not something it depends on.
    if (provisioner?.ownsWorkload) continue;
    const uid = resourceUid(name, resName, decl);
    const resourceName = resourceEntityName(decl.id !== undefined ? `${decl.type}-${decl.id}` : `${name}-${resName}`);
    dependsOn.push(`resource:${resourceName}`);
    add(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: { name: resourceName, ...(provisioner ? { description: provisioner.description } : {}), annotations: { [CATALOG_ANNOTATIONS.resourceUid]: uid } },
        spec: { type: decl.type, ...scopedSpec },
      },
      score.file,
      decl.id !== undefined,
    );
  }

  const annotations: Record<string, string> = {
    [CATALOG_ANNOTATIONS.kubernetesId]: name,
    [CATALOG_ANNOTATIONS.kubernetesLabelSelector]: `app.kubernetes.io/name=${name},app.kubernetes.io/managed-by=${MANAGED_BY}`,
    [CATALOG_ANNOTATIONS.argoCdAppSelector]: `${ARGOCD_SERVICE_LABEL}=${name}`,
    [CATALOG_ANNOTATIONS.environments]: environments.join(','),
    [CATALOG_ANNOTATIONS.scoreFile]: score.file,
  };
  // The ApplicationSet names an application `<service>-<environment>`; one name only when there is one application.
  if (environments.length === 1) annotations[CATALOG_ANNOTATIONS.argoCdAppName] = `${name}-${environments[0]}`;
  const description = optionalString(meta, 'description');
  add(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name, ...(description !== undefined ? { description } : {}), annotations },
      spec: {
        type: 'service',
        lifecycle,
        ...scopedSpec,
        ...(apis.length > 0 ? { providesApis: apis.map((a) => `api:${a.name}`) } : {}),
        ...(dependsOn.length > 0 ? { dependsOn: [...new Set(dependsOn)].sort() } : {}),
      },
    },
    score.file,
  );
}

/** `metadata.owner` when set, else the owner part of `metadata.repoSlug` (owner/name). */
function ownerOf(meta: Record<string, unknown>): string {
  const explicit = optionalString(meta, 'owner');
  if (explicit !== undefined) return entityName(explicit, ['metadata', 'owner']);
  const slug = optionalString(meta, 'repoSlug');
  if (slug !== undefined && slug.includes('/')) return entityName(slug.slice(0, slug.indexOf('/')), ['metadata', 'repoSlug']);
  throw new DocumentError(['metadata'], 'a catalog Component needs an owner: set metadata.owner (a team) or metadata.repoSlug (owner/name)');
}

function optionalString(meta: Record<string, unknown>, key: string): string | undefined {
  const value = meta[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new DocumentError(['metadata', key], `must be a non-empty string for the catalog, got ${JSON.stringify(value)}`);
  return value;
}

function entityName(value: string, path: (string | number)[]): string {
  if (value.length > 63 || !ENTITY_NAME.test(value)) {
    throw new DocumentError(path, `'${value}' is not a catalog entity name (at most 63 letters and digits, separated by single '-', '_' or '.')`);
  }
  return value;
}

/** Resource names come from service and resource names; too long ones keep a recognisable head and a hash. */
function resourceEntityName(raw: string): string {
  const cleaned = raw.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (cleaned.length <= 63) return cleaned;
  return `${cleaned.slice(0, 54).replace(/-+$/, '')}-${shortHash([raw])}`;
}

interface DeclaredApi {
  name: string;
  type: string;
  definition: string;
}

/**
 * `metadata.apis`: the APIs a service provides, `name: {type, definition}`, the definition a file inside the
 * service folder. Score has no field for them, and metadata keys are free-form.
 */
function declaredApis(score: LoadedScore, serviceDir: string): DeclaredApi[] {
  const raw = score.workload.metadata['apis'];
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DocumentError(['metadata', 'apis'], 'must be a mapping of API name to {type, definition}');
  return Object.entries(raw as Record<string, unknown>)
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([apiName, spec]) => {
      const path = ['metadata', 'apis', apiName];
      entityName(apiName, path);
      const { type, definition } = (spec ?? {}) as { type?: unknown; definition?: unknown };
      if (typeof type !== 'string' || !API_TYPES.includes(type)) throw new DocumentError([...path, 'type'], `must be one of ${API_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
      if (typeof definition !== 'string' || definition === '') throw new DocumentError([...path, 'definition'], 'must name the definition file, relative to the Score file');
      const text = readSourceInside(serviceDir, score.absolutePath, definition, [...path, 'definition']).toString('utf8');
      return { name: apiName, type, definition: text };
    });
}
