/** Options of `@score-nx/nx-plugin:validate` (see schema.json). createNodes fills them in. */
export interface ValidateExecutorOptions {
  /** One environment, or `*` for every environment in `environments`. */
  environment: string;
  environments?: string[];
  outputRoot?: string;
  /** Kubernetes version per environment (from environments/<env>.yaml). */
  kubernetesVersions?: Record<string, string>;
  /** kubeconform schema locations; relative paths are relative to the workspace root. */
  schemaLocations?: string[];
  strict?: boolean;
  ignoreMissingSchemas?: boolean;
  /** Set by the plugin when the service's own files cannot be read: the task fails with this message. */
  serviceError?: string;
  /** Also run @score-nx/admission's checks (CRD CEL rules, native validation); default true. */
  admission?: boolean;
}
