/** One problem the API server (or an admission policy) would report, in kubeconform's path/msg shape. */
export type FindingSource = 'schema' | 'cel' | 'native' | 'reference' | 'policy';

export interface Finding {
  source: FindingSource;
  /** JSON pointer into the object ('' for the object itself). */
  path: string;
  msg: string;
  /** The CEL rule, native rule (Go function) or policy name that produced it. */
  rule?: string;
  /** validationActions of a policy: a warning does not fail validation. */
  warn?: boolean;
}
