import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { AMQP_HOST: '${resources.queue.host}', AMQP_PORT: '${resources.queue.port}', AMQP_VHOST: '${resources.queue.vhost}', AMQP_USERNAME: '${resources.queue.username}', AMQP_PASSWORD: '${resources.queue.password}' } };
const queue = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'amqp', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { queue: queue() } });
const broker = (objects: Parameters<typeof byComponent>[0]) => byComponent(objects, 'message-broker');

describe('amqp (RabbitMQ cluster and topology operators, dev and preview)', () => {
  it('golden: typical (dev, preview)', async () => {
    await expect(goldenYaml(broker(render(typical, 'dev').objects))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(broker(renderPreview(typical).objects))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
  });

  it('a RabbitmqCluster, then its Vhost, User and Permission on it; no credential in the render', () => {
    const { objects, yaml } = render(typical);
    expect(kinds(broker(objects)).sort()).toEqual(['Permission/shop-queue', 'RabbitmqCluster/shop-queue', 'User/shop-queue', 'Vhost/shop-queue']);
    expect(at(findObject(objects, 'RabbitmqCluster', 'shop-queue'), 'spec', 'replicas')).toBe(1);
    expect(at(findObject(objects, 'User', 'shop-queue'), 'spec')).toEqual({ rabbitmqClusterReference: { name: 'shop-queue' } });
    expect(at(findObject(objects, 'Permission', 'shop-queue'), 'spec')).toEqual({ vhost: 'shop-queue', userReference: { name: 'shop-queue' }, permissions: { configure: '.*', write: '.*', read: '.*' }, rabbitmqClusterReference: { name: 'shop-queue' } });
    expect(at(findObject(objects, 'Vhost', 'shop-queue'), 'metadata', 'annotations')).toEqual({ 'argocd.argoproj.io/sync-wave': '-4' });
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it("outputs: score-k8s's host, port, vhost, username, password (the operator's generated credentials as refs)", () => {
    expect(containerEnv(render(typical).objects)).toEqual({
      AMQP_HOST: 'shop-queue',
      AMQP_PORT: '5672',
      AMQP_VHOST: 'shop-queue',
      AMQP_USERNAME: { secretKeyRef: { name: 'shop-queue-user-credentials', key: 'username' } },
      AMQP_PASSWORD: { secretKeyRef: { name: 'shop-queue-user-credentials', key: 'password' } },
    });
  });

  it('a shared id names every object from the id, with namespace-level labels and no pruning by one service', () => {
    const shared = (name: string) => render(score({ name, containers: { web: WEB }, resources: { queue: queue({}, { id: 'orders-queue' }) } })).objects;
    const [a, b] = [broker(shared('order-service')), broker(shared('makeline-service'))];
    expect(kinds(a).sort()).toEqual(['Permission/orders-queue', 'RabbitmqCluster/orders-queue', 'User/orders-queue', 'Vhost/orders-queue']);
    expect(a).toEqual(b);
    expect(at(findObject(a, 'RabbitmqCluster', 'orders-queue'), 'metadata', 'annotations')).toEqual({ 'argocd.argoproj.io/sync-wave': '-5', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  it('params reach the cluster; bad values are refused with the position', () => {
    const spec = at(findObject(render(score({ containers: { web: WEB }, resources: { queue: queue({ replicas: 3, storageSize: '5Gi' }) } })).objects, 'RabbitmqCluster', 'shop-queue'), 'spec');
    expect(at(spec, 'replicas')).toBe(3);
    expect(at(spec, 'persistence')).toEqual({ storage: '5Gi' });
    for (const bad of INJECTIONS) {
      const text = score({ resources: { queue: queue({ storageSize: bad }) } });
      // Checked against the provisioner that serves dev (amqp-rabbitmq), not amqp-amazon-mq, which has no storageSize.
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'storageSize')}: resources.queue.params.storageSize: must match pattern ^[1-9][0-9]{0,5}(Mi|Gi)$`);
    }
    const text = score({ resources: { queue: queue({ replicas: 2 }) } });
    expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'replicas')}: resources.queue.params.replicas: must be one of 1, 3 or 5`);
  });

  it("egress: basic opens TCP 5672 to the broker's pods when egress is restricted", () => {
    const { objects } = render(score({ resources: { queue: queue(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop-queue' } } }], ports: [{ protocol: 'TCP', port: 5672 }] });
  });


  it("no object carries the workload's instance label: the operator copies the RabbitmqCluster's labels to its pods, which the workload's Service must not select", () => {
    const { objects } = render(typical);
    const instance = at(findObject(objects, 'Service', 'shop'), 'spec', 'selector', 'app.kubernetes.io/instance');
    expect(instance).toMatch(/^shop-[0-9a-f]{10}$/);
    const store = broker(render(typical).objects);
    expect(store.length).toBeGreaterThan(2);
    expect(store.filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === instance).map((o) => o.kind)).toEqual([]);
  });
  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    await expectSchemaValid(render(typical, 'dev'));
    await expectSchemaValid(renderPreview(typical));
  });
});
