/**
 * The layout of a workspace's own schema folder (see schema-pull.ts). Kept free of imports so that the Nx plugin's
 * graph construction can read the default locations without loading the validator.
 */
export const K8S_LAYOUT = '{{ .NormalizedKubernetesVersion }}/_definitions.json';
export const CRD_LAYOUT = '{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json';

/** The validation locations of a workspace schema folder, relative to the workspace root. */
export function workspaceSchemaLocations(dir = 'schemas'): string[] {
  return [`${dir}/kubernetes/${K8S_LAYOUT}`, `${dir}/crds/${CRD_LAYOUT}`];
}
