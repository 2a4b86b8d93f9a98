// The engine's public surface: what the CLI, the Nx plugin and the tools import, nothing more (issue 12).
// tools/surface/engine-surface.test.ts fails when a name here has no non-test consumer; names only tests use are
// exported by `@score-nx/engine/testing` (src/testing.ts).

// Errors
export { UserError, isUserError } from './errors';

// The pipeline and its results
export { generateService, generateShared, GenerateCache, loadLibraryVersion } from './generate';
export type { GenerateResult } from './generate';
export { renderScoreFile } from './render-workload';
export { renderEveryEnvironment, scaffoldService } from './scaffold/service';
export type { K8sObject } from './k8s';

// Loaders
export { loadScoreFile } from './score/load-score';
export { loadEnvironments } from './environments/environments';
export type { EnvironmentDefinition } from './environments/environments';
export { loadServiceConfig, libraryVersionFor, SERVICE_CONFIG_FILE } from './environments/service-config';
export type { LibraryPins } from './environments/service-config';
export { loadLibrarySettings, withMetadataDefaults, workspaceLibrary, LIBRARY_DIR } from './provisioners/library';
export type { LibrarySettings, PlatformKeys } from './provisioners/library';
export { readReleases, cutRelease, RELEASES_FILE } from './provisioners/releases';
export type { Release } from './provisioners/releases';
export { extendedScoreSchema } from './provisioners/schema';
export { emittedKinds } from './provisioners/emitted-kinds';
export type { EmittedKind } from './provisioners/emitted-kinds';

// The workspace: services, sharing, ownership
export { findServiceFolders, readLibraryPins, readScoreData, scanServices, workspaceSharing, sharingFingerprint, renderedOutputs, SHARED_OUTPUT } from './sharing';
export type { ScannedService, Sharing } from './sharing';
export { ScanMemo } from './scan-memo';
export type { ScanMemoOptions } from './scan-memo';
export { checkOwnership } from './ownership-check';

// Delivery and catalog
export { argoCdApplications } from './delivery/argocd';
export type { ArgoCdOptions } from './delivery/argocd';
export { catalogYaml } from './catalog/backstage';

// Files and YAML, as the engine writes and reads them
export { toCanonicalYaml, stringifyDocument } from './output/canonical-yaml';
export { parseYamlMapping } from './util/yaml-source';
export { writeFileAtomic, checkedPathInside, WORKLOAD_NAME } from './util/files';
export { scaffoldProvisioner } from './scaffold/provisioner';
export { listResources } from './resource-list';
export type { ListedResource } from './resource-list';
