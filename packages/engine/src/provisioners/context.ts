import type { ResolvedEnvironment } from '../environments/environments';
import { INSTANCE_LABEL } from '../k8s';
import type { PlacedWorkload } from '../pipeline/load';
import { servicePorts } from '../convert/workload';
import type { ProvisionerContext } from './runtime';

/** The part of the template context that is the same for every resource of a render. */
export function baseContext(placed: PlacedWorkload, env: ResolvedEnvironment): Omit<ProvisionerContext, 'resource' | 'resources'> {
  const { workload, name, metadata, instance, namespace, labels } = placed;
  const environment = { name: env.name, kubernetesVersion: env.kubernetesVersion, metadata: env.metadata, capabilities: env.capabilities, preview: env.preview, pr: env.pr ?? null };
  const workloadContext: Record<string, unknown> = {
    name,
    metadata,
    annotations: workload.metadata.annotations ?? {},
    containers: workload.containers,
    ports: servicePorts(workload),
    instance,
    selector: { [INSTANCE_LABEL]: instance },
  };
  return { workload: workloadContext, environment, namespace, labels };
}
