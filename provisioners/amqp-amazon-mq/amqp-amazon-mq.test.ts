import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { AMQP_HOST: '${resources.queue.host}', AMQP_PORT: '${resources.queue.port}', AMQP_VHOST: '${resources.queue.vhost}', AMQP_USERNAME: '${resources.queue.username}', AMQP_PASSWORD: '${resources.queue.password}' } };
const queue = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'amqp', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { queue: queue() } });
const broker = (objects: Parameters<typeof byComponent>[0]) => byComponent(objects, 'message-broker');
const MQ_KINDS = ['Broker/shop-queue', 'ExternalSecret/shop-queue-admin', 'Job/shop-queue-endpoint', 'Password/shop-queue-admin', 'Role/shop-queue-endpoint', 'RoleBinding/shop-queue-endpoint', 'ServiceAccount/shop-queue-endpoint'];

describe('amqp (Amazon MQ for RabbitMQ via ACK, staging and prod)', () => {
  it('golden: typical (staging, prod)', async () => {
    for (const env of ['staging', 'prod']) await expect(goldenYaml(broker(render(typical, env).objects))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
  });

  it('the environment chooses the implementation: Amazon MQ in staging and prod, the RabbitMQ operator in dev', () => {
    for (const env of ['staging', 'prod']) expect(kinds(broker(render(typical, env).objects)).sort()).toEqual(MQ_KINDS);
    expect(kinds(broker(render(typical, 'dev').objects)).sort()).toEqual(['Permission/shop-queue', 'RabbitmqCluster/shop-queue', 'User/shop-queue', 'Vhost/shop-queue']);
  });

  it('a private RabbitMQ Broker whose one user has a password from External Secrets (no value in the render)', () => {
    const { objects, yaml } = render(typical, 'prod');
    expect(at(findObject(objects, 'Broker', 'shop-queue'), 'spec')).toEqual({
      name: 'prod-payments-shop-queue', engineType: 'RABBITMQ', engineVersion: '3.13', hostInstanceType: 'mq.t3.micro', deploymentMode: 'SINGLE_INSTANCE',
      publiclyAccessible: false, autoMinorVersionUpgrade: true,
      users: [{ username: 'app', password: { name: 'shop-queue-admin', key: 'password', namespace: 'payments' } }],
    });
    expect(at(findObject(objects, 'Password', 'shop-queue-admin'), 'spec', 'symbols')).toBe(0);
    expect(yaml).not.toMatch(/password: (?!"?\{\{)/);
  });

  it('the endpoint Job waits for the broker and writes only its host, with a Role limited to that Broker and that Secret', () => {
    const { objects } = render(typical, 'prod');
    const job = findObject(objects, 'Job', 'shop-queue-endpoint');
    expect(at(job, 'metadata', 'annotations')).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-4', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' });
    const script = at(job, 'spec', 'template', 'spec', 'containers', 0, 'args', 0) as string;
    expect(script.split('\n')).toEqual([
      "kubectl wait broker.mq.services.k8s.aws/shop-queue --for=jsonpath='{.status.brokerState}'=RUNNING --timeout=3500s",
      "endpoint=$(kubectl get broker.mq.services.k8s.aws/shop-queue -o jsonpath='{.status.brokerInstances[0].endpoints[0]}')",
      'host=${endpoint#*://}',
      'host=${host%:*}',
      'kubectl create secret generic shop-queue-endpoint --from-literal=host="$host" --dry-run=client -o yaml | kubectl apply -f -',
      '',
    ]);
    expect(at(findObject(objects, 'Role', 'shop-queue-endpoint'), 'rules')).toEqual([
      { apiGroups: ['mq.services.k8s.aws'], resources: ['brokers'], resourceNames: ['shop-queue'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['shop-queue-endpoint'], verbs: ['get', 'patch'] },
    ]);
    expect(at(job, 'spec', 'template', 'spec', 'serviceAccountName')).toBe('shop-queue-endpoint');
  });

  it("outputs: score-k8s's host, port, vhost, username, password (host and password refs; AMQPS on 5671)", () => {
    expect(containerEnv(render(typical, 'staging').objects)).toEqual({
      AMQP_HOST: { secretKeyRef: { name: 'shop-queue-endpoint', key: 'host' } },
      AMQP_PORT: '5671',
      AMQP_VHOST: '/',
      AMQP_USERNAME: 'app',
      AMQP_PASSWORD: { secretKeyRef: { name: 'shop-queue-admin', key: 'password' } },
    });
  });

  it('params reach the Broker; a shared id keeps the broker and is never pruned by one service', () => {
    const { objects } = render(score({ containers: { web: WEB }, resources: { queue: queue({ deploymentMode: 'CLUSTER_MULTI_AZ', hostInstanceType: 'mq.m5.large', subnetIDs: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d', 'subnet-2a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] }, { id: 'orders-queue' }) } }), 'prod');
    const b = findObject(objects, 'Broker', 'orders-queue');
    expect(at(b, 'spec')).toMatchObject({ name: 'prod-payments-orders-queue', deploymentMode: 'CLUSTER_MULTI_AZ', hostInstanceType: 'mq.m5.large', subnetIDs: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d', 'subnet-2a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] });
    expect(at(b, 'metadata', 'annotations')).toEqual({ 'argocd.argoproj.io/sync-wave': '-5', 'services.k8s.aws/deletion-policy': 'retain', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  it('params validation and injection: every string param has a pattern or an enum, refused with the position', () => {
    for (const bad of INJECTIONS) {
      for (const [key, pattern] of [['username', '^[a-zA-Z0-9_.~-]{2,100}$'], ['engineVersion', '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$'], ['hostInstanceType', '^mq\\.[a-z0-9]+\\.[a-z0-9]+$'], ['endpointJobImage', '^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+:[A-Za-z0-9._-]+$']] as const) {
        const text = score({ resources: { queue: queue({ [key]: bad }) } });
        expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, key)}: resources.queue.params.${key}: must match pattern ${pattern}`);
      }
    }
  });

  it('egress: basic opens TCP 5671 to the VPC when egress is restricted', () => {
    const { objects } = render(score({ resources: { queue: queue(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }), 'prod', { vpcCidr: '10.3.0.0/16' });
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.3.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5671 }] });
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    for (const env of ['staging', 'prod']) await expectSchemaValid(render(typical, env));
  });
});
