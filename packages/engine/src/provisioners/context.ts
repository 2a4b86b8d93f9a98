import { servicePorts } from '../convert/workload';
import type { ServicePort } from '../convert/workload';
import type { ResolvedEnvironment } from '../environments/environments';
import { INSTANCE_LABEL } from '../k8s';
import type { PodTemplate } from '../k8s';
import type { ScoreContainer, ScoreWorkload } from '../score/types';

/**
 * What a provisioner sees: the context of its templates, and the JSON a command reads on stdin. Built here and
 * nowhere else; docs/provisioners.md ("Template context") documents every field, and a test holds the table to
 * these types (as score-k8s documents its template data in templateprov.Data).
 */
export interface TemplateContext {
  /** The workload the resource belongs to. */
  workload: WorkloadContext;
  /** The resource being provisioned. */
  resource: ResourceContext;
  /** The environment of the render. */
  environment: EnvironmentContext;
  /** The namespace of this render (`<engineNamespace>` plus the environment's suffix, e.g. `-pr-42`). */
  namespace: string;
  /** The standard labels: `app.kubernetes.io/{name,instance,managed-by}` and library.yaml's metadata labels. */
  labels: Record<string, string>;
  /** Outputs by resource name: those provisioned before (phase 1), all of them (phase 3). */
  resources: Record<string, Record<string, unknown>>;
}

export interface WorkloadContext {
  /** The workload name. */
  name: string;
  /** The workload's metadata over the environment's metadata (`region`, `domain`, `cluster`, ...). */
  metadata: Record<string, unknown>;
  /** The workload's annotations. */
  annotations: Record<string, unknown>;
  /** The Score containers, with images resolved from service-config.yaml. */
  containers: Record<string, ScoreContainer>;
  /** Service ports, sorted by name: `[{name, port, targetPort, protocol}]`. */
  ports: ServicePort[];
  /** The instance label value. */
  instance: string;
  /** The pod selector (`{app.kubernetes.io/instance: ...}`). */
  selector: Record<string, string>;
  /** *Manifests only*: the final pod template (`metadata.labels`, `metadata.annotations`, `spec`). */
  podTemplate?: PodTemplate;
  /** *Manifests only*: `Deployment`, `StatefulSet`, or `owned` when a provisioner owns the workload. */
  kind?: 'Deployment' | 'StatefulSet' | 'owned';
  /** *Manifests only*: `{name, type, outputs}` of the resource that owns the workload, or null. */
  owner?: { name: string; type: string; outputs: Record<string, unknown> } | null;
}

export interface ResourceContext {
  /** The resource's name in score.yaml. */
  name: string;
  /** The resource's unique id, `<type>.<class>#<id>` or `<type>.<class>#<workload>.<name>`. */
  uid: string;
  /** The resource type. */
  type: string;
  /** The resource class, `default` when the Score file names none. */
  class: string;
  /** The resource id when the Score file sets one (a resource shared by services), else null. */
  id: string | null;
  /** The params, after `${...}` substitution and the params schema's defaults. */
  params: Record<string, unknown>;
  /** The resource's metadata from the Score file. */
  metadata: Record<string, unknown>;
  /** *Workload and manifests templates only*: this resource's own outputs (what `outputs.yaml.njk` rendered). */
  outputs?: Record<string, unknown>;
}

export interface EnvironmentContext {
  /** The environment name (the file name in environments/). */
  name: string;
  /** The Kubernetes version of the environment's clusters. */
  kubernetesVersion: string;
  /** The environment's metadata (platform-owned keys such as `region`, `domain`, `cluster`). */
  metadata: Record<string, unknown>;
  /** What the environment's clusters offer (`ingress`, `externalSecrets`, ...). */
  capabilities: Record<string, unknown>;
  /** Whether this is a preview (pull request) environment. */
  preview: boolean;
  /** The pull request number of a preview render, else null. */
  pr: number | null;
}

/** The part of the context that is the same for every resource of a render. */
export type RenderContext = Omit<TemplateContext, 'resource' | 'resources'>;

/** The resource as its templates see it; `outputs` once its outputs exist. */
export interface ResourceFacts {
  name: string;
  uid: string;
  type: string;
  class: string;
  id?: string;
  params: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/**
 * What the render context is made from: the placed workload (pipeline/load.ts's `PlacedWorkload` is one). Declared
 * here, not imported, so that the template context does not depend on the load phase (which depends on it).
 */
export interface PlacedNames {
  workload: ScoreWorkload;
  name: string;
  metadata: Record<string, unknown>;
  instance: string;
  namespace: string;
  labels: Record<string, string>;
}

export function renderContext(placed: PlacedNames, env: ResolvedEnvironment): RenderContext {
  const { workload, name, metadata, instance, namespace, labels } = placed;
  return {
    workload: {
      name,
      metadata,
      annotations: workload.metadata.annotations ?? {},
      containers: workload.containers,
      ports: servicePorts(workload),
      instance,
      selector: { [INSTANCE_LABEL]: instance },
    },
    environment: { name: env.name, kubernetesVersion: env.kubernetesVersion, metadata: env.metadata, capabilities: env.capabilities, preview: env.preview, pr: env.pr ?? null },
    namespace,
    labels,
  };
}

/** The context of one resource's templates; `outputs` is left out until the resource has them. */
export function templateContext(
  base: RenderContext,
  resource: ResourceFacts,
  resources: Record<string, Record<string, unknown>>,
  outputs?: Record<string, unknown>,
): TemplateContext {
  const { name, uid, type, class: klass, id, params, metadata } = resource;
  return {
    ...base,
    resource: { name, uid, type, class: klass, id: id ?? null, params, metadata, ...(outputs !== undefined ? { outputs } : {}) },
    resources,
  };
}

/** The workload part of phase 3: the final pod template, the controller kind and the owning resource. */
export function withFinalWorkload(base: RenderContext, podTemplate: PodTemplate, kind: 'Deployment' | 'StatefulSet', owner: { name: string; type: string; outputs: Record<string, unknown> } | undefined): RenderContext {
  return {
    ...base,
    workload: { ...base.workload, podTemplate, kind: owner ? 'owned' : kind, owner: owner ? { name: owner.name, type: owner.type, outputs: owner.outputs } : null },
  };
}
