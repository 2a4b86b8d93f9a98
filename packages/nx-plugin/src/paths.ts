/** Where a render is written, workspace-relative: `<outputRoot>/<env>/<service>` or `<outputRoot>/<env>/pr-<n>/<service>`. */
export function outputDir(outputRoot: string, environment: string, service: string, pr?: number): string {
  return pr === undefined ? `${outputRoot}/${environment}/${service}` : `${outputRoot}/${environment}/pr-${pr}/${service}`;
}

export const MANIFESTS_FILE = 'manifests.yaml';

/** The `environment` option meaning "every environment listed in `environments`". */
export const ALL_ENVIRONMENTS = '*';
