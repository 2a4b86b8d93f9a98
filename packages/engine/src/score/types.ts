/** The typed view of a Score workload (score.dev/v1b1) after upgrade and schema validation. */
export interface ScoreWorkload {
  apiVersion: string;
  metadata: ScoreMetadata;
  containers: Record<string, ScoreContainer>;
  service?: { ports?: Record<string, ScoreServicePort> };
  resources?: Record<string, ScoreResource>;
}

export interface ScoreMetadata {
  name: string;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface ScoreContainer {
  image: string;
  command?: string[];
  args?: string[];
  variables?: Record<string, string>;
  files?: Record<string, ScoreFile>;
  volumes?: Record<string, ScoreVolume>;
  resources?: { limits?: ScoreResourceList; requests?: ScoreResourceList };
  livenessProbe?: ScoreProbe;
  readinessProbe?: ScoreProbe;
}

export interface ScoreResourceList {
  cpu?: string;
  memory?: string;
}

export interface ScoreFile {
  mode?: string;
  source?: string;
  content?: string;
  binaryContent?: string;
  noExpand?: boolean;
}

export interface ScoreVolume {
  source: string;
  path?: string;
  readOnly?: boolean;
}

export interface ScoreProbe {
  httpGet?: {
    host?: string;
    scheme?: string;
    path: string;
    port: number;
    httpHeaders?: Array<{ name: string; value: string }>;
  };
  exec?: { command: string[] };
}

export interface ScoreServicePort {
  port: number;
  targetPort?: number;
  protocol?: string;
}

export interface ScoreResource {
  type: string;
  class?: string;
  id?: string;
  metadata?: Record<string, unknown>;
  params?: Record<string, unknown>;
}
