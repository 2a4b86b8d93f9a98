/** Options of `@score-nx/nx-plugin:generate` (see schema.json). createNodes fills them in. */
export interface GenerateExecutorOptions {
  /** One environment, or `*` for every environment in `environments`. */
  environment: string;
  /** The environments the service deploys to (renders of `*`; a single environment outside this list renders nothing). */
  environments?: string[];
  /** Pull request number, for a preview environment. */
  pr?: number;
  /** Workspace-relative output folder (default dist/manifests). */
  outputRoot?: string;
  /** Set on the preview target: the environment must be a preview environment and `pr` is required. */
  preview?: boolean;
  /** Set by the plugin when the service's own files cannot be read: the task fails with this message. */
  serviceError?: string;
  /** Set by the plugin when the project's Score file is not score.yaml: its file name in the project folder. */
  scoreFile?: string;
  /** Set by the plugin: the output folder of each environment the task renders (interpolated into the target's outputs). */
  outputDirs?: Record<string, string>;
}
