import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, positionOf, renderError, score } from '../test-support/helpers';
import { goldenYaml } from '../test-support/networking';
import { ENVIRONMENTS, renderIn } from '../test-support/environments';

const ENVS = ENVIRONMENTS;
const withVolume = (params?: Record<string, unknown>) => score({
  containers: { web: { image: 'registry.example.com/shop:1.0.0', volumes: { '/data': { source: '${resources.data}' } } } },
  resources: { data: { type: 'volume', ...(params ? { params } : {}) } },
});
const podSpec = (text: string, env = 'dev') => at(findObject(renderIn(text, env).objects, 'Deployment'), 'spec', 'template', 'spec') as Record<string, unknown>;

describe('volume', () => {
  it('golden: the Deployment with its emptyDir (every environment)', async () => {
    for (const env of ENVS) {
      await expect(goldenYaml([findObject(renderIn(withVolume(), env).objects, 'Deployment')])).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('an emptyDir mounted where the Score file says, the same in every environment', () => {
    for (const env of ENVS) {
      const spec = podSpec(withVolume(), env);
      const volumes = spec['volumes'] as Array<{ name: string; emptyDir?: unknown }>;
      expect(volumes).toHaveLength(1);
      expect(volumes[0]!.emptyDir).toEqual({});
      expect(at(spec, 'containers', 0, 'volumeMounts')).toEqual([{ name: volumes[0]!.name, mountPath: '/data' }]);
    }
  });

  it('params: medium and sizeLimit reach the emptyDir', () => {
    const volumes = podSpec(withVolume({ medium: 'Memory', sizeLimit: '64Mi' }))['volumes'] as Array<{ emptyDir?: unknown }>;
    expect(volumes[0]!.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '64Mi' });
  });

  it('params validation and injection: rejected with the position', () => {
    for (const bad of [...INJECTIONS, '64 Mi']) {
      const text = withVolume({ sizeLimit: bad });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'sizeLimit')}: resources.data.params.sizeLimit: must match pattern ^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$`);
    }
    const medium = withVolume({ medium: 'Disk' });
    expect(renderError(medium)).toBe(`services/svc/score.yaml:${positionOf(medium, 'medium')}: resources.data.params.medium: must be one of 'Memory'`);
  });

  it('schema: strict Kubernetes schemas (every environment)', async () => {
    for (const env of ENVS) await expectSchemaValid(renderIn(withVolume({ sizeLimit: '1Gi' }), env));
  });
});
