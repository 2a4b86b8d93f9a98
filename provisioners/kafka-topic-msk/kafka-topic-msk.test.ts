import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findObject, tempService, WORKSPACE_ROOT } from '../test-support/render';
import { at, expectSchemaValid, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { KAFKA_HOST: '${resources.events.host}', KAFKA_PORT: '${resources.events.port}', KAFKA_TOPIC: '${resources.events.name}', KAFKA_PARTITIONS: '${resources.events.num_partitions}', KAFKA_BOOTSTRAP: '${resources.events.bootstrapServers}' } };
const topic = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'kafka-topic', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { events: topic() } });
const kafka = (objects: Parameters<typeof byComponent>[0]) => byComponent(objects, 'kafka');
const PROD_BROKERS = ['b-1', 'b-2', 'b-3'].map((b) => `${b}.prod-kafka.a1prdx9.c2.kafka.us-east-1.amazonaws.com:9094`).join(',');

describe('kafka-topic (the environment\'s MSK cluster, staging and prod)', () => {
  it('golden: typical (staging, prod)', async () => {
    for (const env of ['staging', 'prod']) await expect(goldenYaml(kafka(render(typical, env).objects))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
  });

  it('the environment chooses the implementation: a topic Job in staging and prod, Strimzi in dev', () => {
    for (const env of ['staging', 'prod']) expect(kinds(kafka(render(typical, env).objects))).toEqual(['Job/shop-events-topic']);
    expect(kinds(kafka(render(typical, 'dev').objects)).sort()).toEqual(['Kafka/shop-kafka', 'KafkaNodePool/shop-kafka-node', 'KafkaTopic/shop-events']);
  });

  it('the Job creates the topic over TLS if it does not exist; the brokers reach it as one environment value', () => {
    const job = findObject(render(score({ containers: { web: WEB }, resources: { events: topic({ partitions: 6, replicationFactor: 2 }) } }), 'prod').objects, 'Job', 'shop-events-topic');
    const container = at(job, 'spec', 'template', 'spec', 'containers', 0) as { image: string; args: string[]; env: unknown[] };
    expect(container.image).toBe('docker.io/apache/kafka:3.9.1');
    expect(container.args[0]!.split('\n')).toEqual([
      "printf 'security.protocol=SSL\\n' > /tmp/client.properties",
      '/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config /tmp/client.properties --create --if-not-exists --topic payments.shop-events --partitions 6 --replication-factor 2',
      '',
    ]);
    expect(container.env).toEqual([{ name: 'BOOTSTRAP_SERVERS', value: PROD_BROKERS }]);
    expect(at(job, 'metadata', 'annotations')).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-4', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' });
    expect(at(job, 'spec', 'template', 'spec', 'automountServiceAccountToken')).toBe(false);
  });

  it("outputs: score-k8s's host, port, name, num_partitions (one broker), and bootstrapServers (all of them)", () => {
    expect(containerEnv(render(typical, 'prod').objects)).toEqual({
      KAFKA_HOST: 'b-1.prod-kafka.a1prdx9.c2.kafka.us-east-1.amazonaws.com',
      KAFKA_PORT: '9094',
      KAFKA_TOPIC: 'payments.shop-events',
      KAFKA_PARTITIONS: '3',
      KAFKA_BOOTSTRAP: PROD_BROKERS,
    });
  });

  it('a shared id names the topic from the id, so two services of the namespace get one topic', () => {
    const shared = (name: string) => containerEnv(render(score({ name, containers: { web: WEB }, resources: { events: topic({}, { id: 'orders' }) } }), 'prod').objects)['KAFKA_TOPIC'];
    expect([shared('producer'), shared('consumer')]).toEqual(['payments.orders', 'payments.orders']);
  });

  it('an environment without (or with a malformed) mskBootstrapServers is an error naming the key', () => {
    for (const value of [undefined, '', 'b-1.example.com', 'b-1.example.com:9094 --bootstrap-server x:1']) {
      // A copy of the workspace whose prod environment holds `value` instead of its brokers.
      const source = mkdtempSync(join(tmpdir(), 'score-nx-msk-'));
      try {
        cpSync(join(WORKSPACE_ROOT, 'environments'), join(source, 'environments'), { recursive: true });
        cpSync(join(WORKSPACE_ROOT, 'provisioners'), join(source, 'provisioners'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
        const prod = join(source, 'environments', 'prod.yaml');
        const text = readFileSync(prod, 'utf8');
        expect(text).toMatch(/^ {2}mskBootstrapServers: .*$/m);
        writeFileSync(prod, text.replace(/^ {2}mskBootstrapServers: .*$/m, value === undefined ? '' : `  mskBootstrapServers: ${JSON.stringify(value)}`));
        const service = tempService(typical, undefined, {}, {}, source);
        try {
          expect(() => service.render('prod')).toThrow(/resources\.events: .*kafka-topic: environment prod does not define metadata\.mskBootstrapServers \(its MSK cluster's TLS brokers, host:port separated by commas\)$/);
        } finally {
          service.cleanup();
        }
      } finally {
        rmSync(source, { recursive: true, force: true });
      }
    }
  });

  it('params validation and injection: refused with the position', () => {
    for (const bad of INJECTIONS) {
      const text = score({ resources: { events: topic({ kafkaImage: bad }) } });
      expect(renderError(text, 'prod')).toBe(`services/svc/score.yaml:${positionOf(text, 'kafkaImage')}: resources.events.params.kafkaImage: must match pattern ^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+:[A-Za-z0-9._-]+$`);
    }
    const text = score({ resources: { events: topic({ replicationFactor: 7 }) } });
    expect(renderError(text, 'prod')).toMatch(new RegExp(`^services/svc/score\\.yaml:${positionOf(text, 'replicationFactor')}: resources\\.events\\.params\\.replicationFactor: must be <= 6`));
  });

  it('egress: basic opens the TLS port to the VPC when egress is restricted', () => {
    const { objects } = render(score({ resources: { events: topic(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }), 'prod', { vpcCidr: '10.3.0.0/16' });
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ ipBlock: { cidr: '10.3.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9094 }] });
  });

  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    for (const env of ['staging', 'prod']) await expectSchemaValid(render(typical, env));
  });
});
