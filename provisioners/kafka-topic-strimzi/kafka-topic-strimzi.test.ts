import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { renderPreview } from '../test-support/preview';
import { at, expectSchemaValid, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, containerEnv, goldenYaml } from '../test-support/networking';

const WEB = { image: 'registry.example.com/shop:1.0.0', variables: { KAFKA_HOST: '${resources.events.host}', KAFKA_PORT: '${resources.events.port}', KAFKA_TOPIC: '${resources.events.name}', KAFKA_PARTITIONS: '${resources.events.num_partitions}' } };
const topic = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ type: 'kafka-topic', params, ...extra });
const typical = score({ containers: { web: WEB }, resources: { events: topic() } });
const kafka = (objects: Parameters<typeof byComponent>[0]) => byComponent(objects, 'kafka');

describe('kafka-topic (Strimzi, dev and preview)', () => {
  it('golden: typical (dev, preview)', async () => {
    await expect(goldenYaml(kafka(render(typical, 'dev').objects))).toMatchFileSnapshot('__golden__/typical.dev.yaml');
    await expect(goldenYaml(kafka(renderPreview(typical).objects))).toMatchFileSnapshot('__golden__/typical.preview.yaml');
  });

  it('a one-node KRaft Kafka with a topic operator, and the KafkaTopic on it', () => {
    const { objects } = render(typical);
    expect(kinds(kafka(objects)).sort()).toEqual(['Kafka/shop-kafka', 'KafkaNodePool/shop-kafka-node', 'KafkaTopic/shop-events']);
    expect(at(findObject(objects, 'KafkaNodePool', 'shop-kafka-node'), 'metadata', 'labels', 'strimzi.io/cluster')).toBe('shop-kafka');
    expect(at(findObject(objects, 'KafkaNodePool', 'shop-kafka-node'), 'spec', 'roles')).toEqual(['controller', 'broker']);
    expect(at(findObject(objects, 'Kafka', 'shop-kafka'), 'spec', 'entityOperator')).toEqual({ topicOperator: {} });
    const t = findObject(objects, 'KafkaTopic', 'shop-events');
    expect(at(t, 'metadata', 'labels', 'strimzi.io/cluster')).toBe('shop-kafka');
    expect(at(t, 'spec')).toEqual({ topicName: 'payments.shop-events', partitions: 3, replicas: 1 });
  });

  it('two topics of one service share one Kafka (the engine merges the identical objects)', () => {
    const { objects } = render(score({ containers: { web: WEB }, resources: { events: topic(), audit: topic({ partitions: 1 }) } }));
    expect(kinds(kafka(objects)).sort()).toEqual(['Kafka/shop-kafka', 'KafkaNodePool/shop-kafka-node', 'KafkaTopic/shop-audit', 'KafkaTopic/shop-events']);
    expect(at(findObject(objects, 'KafkaTopic', 'shop-audit'), 'spec', 'partitions')).toBe(1);
  });

  it("outputs: score-k8s's host, port, name, num_partitions", () => {
    expect(containerEnv(render(score({ containers: { web: WEB }, resources: { events: topic({ partitions: 12 }) } })).objects)).toEqual({
      KAFKA_HOST: 'shop-kafka-kafka-bootstrap',
      KAFKA_PORT: '9092',
      KAFKA_TOPIC: 'payments.shop-events',
      KAFKA_PARTITIONS: '12',
    });
  });

  it('bad params are refused with the position; a shared id is refused naming the environment', () => {
    const text = score({ resources: { events: topic({ partitions: 0 }) } });
    expect(renderError(text)).toMatch(new RegExp(`^services/svc/score\\.yaml:${positionOf(text, 'partitions')}: resources\\.events\\.params\\.partitions: must be >= 1`));
    expect(renderError(score({ containers: { web: WEB }, resources: { events: topic({}, { id: 'orders' }) } }))).toMatch(/kafka-topic \(in-cluster\): a shared id is not supported in dev: each service gets its own in-cluster Kafka$/);
  });

  it("egress: basic opens TCP 9092 to the Kafka nodes when egress is restricted", () => {
    const { objects } = render(score({ resources: { events: topic(), networking: { type: 'basic', params: { ingress: { type: 'none' } } } } }));
    expect((at(findObject(objects, 'NetworkPolicy', 'shop'), 'spec', 'egress') as unknown[]).at(-1)).toEqual({ to: [{ podSelector: { matchLabels: { 'strimzi.io/cluster': 'shop-kafka', 'strimzi.io/kind': 'Kafka' } } }], ports: [{ protocol: 'TCP', port: 9092 }] });
  });


  it("no object carries the workload's instance label: the operator copies the Kafka's labels to its pods, which the workload's Service must not select", () => {
    const { objects } = render(typical);
    const instance = at(findObject(objects, 'Service', 'shop'), 'spec', 'selector', 'app.kubernetes.io/instance');
    expect(instance).toMatch(/^shop-[0-9a-f]{10}$/);
    const store = kafka(render(typical).objects);
    expect(store.length).toBeGreaterThan(2);
    expect(store.filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === instance).map((o) => o.kind)).toEqual([]);
  });
  it('schema: strict Kubernetes and CRD schemas, nothing skipped', async () => {
    await expectSchemaValid(render(typical, 'dev'));
    await expectSchemaValid(renderPreview(typical));
  });
});
