import { describe, expect, it } from 'vitest';
import { findObject } from '../test-support/render';
import { at, expectValidNames, INJECTIONS, kinds, positionOf, render, renderError, score } from '../test-support/helpers';
import { byComponent, goldenYaml, kindCounts } from '../test-support/networking';

const monitoring = (params: Record<string, unknown>) => ({ type: 'monitoring', params });
const typical = score({ resources: { deployment: { type: 'blue-green' }, monitoring: monitoring({ devTeamSlackChannel: 'payments-alerts' }) } });
const LABELS = {
  'app.kubernetes.io/component': 'monitoring',
  'app.kubernetes.io/instance': 'shop-b753943597',
  'app.kubernetes.io/managed-by': 'score-nx',
  'app.kubernetes.io/name': 'shop',
  'platform.example.com/namespace': 'payments',
  'platform.example.com/system': 'checkout',
  release: 'kube-prometheus-stack',
};
const WAVE0 = { 'argocd.argoproj.io/sync-wave': '0' };
const ISTIO = 'reporter="destination",destination_workload_namespace="payments",destination_canonical_service="shop"';
const OWNED = 'kube_pod_owner{namespace="payments",owner_kind="ReplicaSet",owner_name=~"shop-[a-z0-9]+"}';

/** Balanced brackets and quotes: a cheap PromQL sanity check (no PromQL parser in the workspace). */
function expectBalanced(expr: string): void {
  const stack: string[] = [];
  let quoted = false;
  for (const c of expr) {
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if ('({['.includes(c)) stack.push(c);
    if (')}]'.includes(c)) expect(stack.pop(), expr).toBe({ ')': '(', '}': '{', ']': '[' }[c]);
  }
  expect(stack, expr).toEqual([]);
  expect(quoted, expr).toBe(false);
}

describe('monitoring', () => {
  it('golden: blue-green owner (dev, prod)', async () => {
    for (const env of ['dev', 'prod']) {
      await expect(goldenYaml(byComponent(render(typical, env).objects, 'monitoring'))).toMatchFileSnapshot(`__golden__/typical.${env}.yaml`);
    }
  });

  it('ServiceMonitor, PrometheusRule, webhook ExternalSecret, AlertmanagerConfig and scrape NetworkPolicy', () => {
    const { objects } = render(typical);
    expect(kinds(byComponent(objects, 'monitoring'))).toEqual([
      'NetworkPolicy/shop-allow-scrape', 'AlertmanagerConfig/shop', 'ExternalSecret/shop-slack-webhook', 'PrometheusRule/shop', 'ServiceMonitor/shop',
    ]);
    expect(findObject(objects, 'ServiceMonitor')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'shop', namespace: 'payments', labels: LABELS, annotations: WAVE0 },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-b753943597' } },
        namespaceSelector: { matchNames: ['payments'] },
        endpoints: [{ port: 'http', path: '/metrics', interval: '30s', relabelings: [{ action: 'keep', sourceLabels: ['__meta_kubernetes_service_name'], regex: 'shop' }] }],
      },
    });
    expect(at(findObject(objects, 'PrometheusRule'), 'spec')).toEqual({
      groups: [{
        name: 'shop.rules',
        rules: [
          {
            alert: 'HighErrorRate',
            expr: `sum by (namespace) (rate(istio_requests_total{${ISTIO},response_code=~"5.."}[5m])) / sum by (namespace) (rate(istio_requests_total{${ISTIO}}[5m])) > 0.05`,
            for: '5m', labels: { app: 'shop', severity: 'critical' }, annotations: { summary: 'More than 5% of the requests to shop fail with 5xx' },
          },
          {
            alert: 'HighLatencyP99',
            expr: `histogram_quantile(0.99, sum by (le, namespace) (rate(istio_request_duration_milliseconds_bucket{${ISTIO}}[5m]))) > 1000`,
            for: '10m', labels: { app: 'shop', severity: 'warning' }, annotations: { summary: 'The 99th percentile response time of shop is above 1000 ms' },
          },
          {
            alert: 'PodRestarts',
            expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace="payments"}[15m]) * on (namespace, pod) group_left () ${OWNED}) > 3`,
            labels: { app: 'shop', severity: 'warning' }, annotations: { summary: 'A pod of shop restarted more than 3 times in 15 minutes' },
          },
          {
            alert: 'Unavailable',
            expr: `(sum by (namespace) (kube_pod_status_ready{namespace="payments",condition="true"} * on (namespace, pod) group_left () ${OWNED}) or label_replace(vector(0), "namespace", "payments", "", "")) < 1`,
            for: '5m', labels: { app: 'shop', severity: 'critical' }, annotations: { summary: 'Fewer than 1 pods of shop are ready' },
          },
        ],
      }],
    });
    expect(at(findObject(objects, 'ExternalSecret', 'shop-slack-webhook'), 'spec')).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'platform-secrets', kind: 'ClusterSecretStore' },
      target: { name: 'shop-slack-webhook', creationPolicy: 'Owner' },
      data: [{ secretKey: 'url', remoteRef: { key: 'platform/alerting/slack-webhooks', property: 'payments-alerts' } }],
    });
    expect(findObject(objects, 'ExternalSecret', 'shop-slack-webhook').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-4' });
    expect(at(findObject(objects, 'AlertmanagerConfig'), 'spec')).toEqual({
      route: { receiver: 'slack', groupBy: ['alertname', 'app'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', matchers: [{ name: 'app', value: 'shop', matchType: '=' }] },
      receivers: [{
        name: 'slack',
        slackConfigs: [{
          apiURL: { name: 'shop-slack-webhook', key: 'url' },
          channel: '#payments-alerts',
          sendResolved: true,
          title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.app }})',
          text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}',
        }],
      }],
    });
    expect(at(findObject(objects, 'NetworkPolicy', 'shop-allow-scrape'), 'spec')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-b753943597' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  it('PromQL: balanced, every alert keeps a namespace label (aggregated by namespace), regexes anchored per workload', () => {
    const rules = at(findObject(render(typical).objects, 'PrometheusRule'), 'spec', 'groups', 0, 'rules') as Array<{ expr: string }>;
    for (const rule of rules) {
      expectBalanced(rule.expr);
      expect(rule.expr).toMatch(/by \((le, )?namespace/);
    }
    // `[a-z0-9]+` cannot cross a `-`: the ReplicaSets of `shop-api` (shop-api-7d9f8c) never match `shop-[a-z0-9]+`
    const re = /^(?:shop-[a-z0-9]+)$/;
    expect(re.test('shop-7d9f8c6b5')).toBe(true);
    expect(re.test('shop-api-7d9f8c6b5')).toBe(false);
  });

  it('edge: tuned thresholds, a metrics port, no owner (engine Service), the service-name annotation', () => {
    const { objects } = render(score({
      metadata: { annotations: { 'k8s.score.dev/service-name': 'shop-svc' } },
      ports: { http: { port: 80, targetPort: 8080 }, metrics: { port: 9090 } },
      resources: { monitoring: monitoring({ devTeamSlackChannel: 'team', metricsPort: 'metrics', metricsPath: '/prometheus', scrapeInterval: '15s', errorRateThreshold: 0.07, latencyP99Milliseconds: 250, restartThreshold: 1, minReadyPods: 2 }) },
    }));
    const sm = findObject(objects, 'ServiceMonitor');
    expect(at(sm, 'spec', 'endpoints')).toEqual([{ port: 'metrics', path: '/prometheus', interval: '15s', relabelings: [{ action: 'keep', sourceLabels: ['__meta_kubernetes_service_name'], regex: 'shop-svc' }] }]);
    const rules = at(findObject(objects, 'PrometheusRule'), 'spec', 'groups', 0, 'rules') as Array<{ expr: string; annotations: { summary: string } }>;
    expect(rules.map((r) => r.expr.slice(r.expr.lastIndexOf(' ') + 1))).toEqual(['0.07', '250', '1', '2']);
    expect(rules[0]!.annotations.summary).toBe('More than 7% of the requests to shop fail with 5xx');
    expect(at(findObject(objects, 'NetworkPolicy', 'shop-allow-scrape'), 'spec', 'ingress', 0, 'ports')).toEqual([{ protocol: 'TCP', port: 9090 }]);
  });

  it('a port named metrics is scraped without a param, and only it is opened; the param overrides it', () => {
    const ports = { http: { port: 80, targetPort: 8080 }, metrics: { port: 9102, targetPort: 9102 } };
    const scraped = (params: Record<string, unknown>) => {
      const { objects } = render(score({ ports, resources: { monitoring: monitoring({ devTeamSlackChannel: 'team', ...params }) } }));
      return [at(findObject(objects, 'ServiceMonitor'), 'spec', 'endpoints', 0, 'port'), at(findObject(objects, 'NetworkPolicy', 'shop-allow-scrape'), 'spec', 'ingress', 0, 'ports')];
    };
    expect(scraped({})).toEqual(['metrics', [{ protocol: 'TCP', port: 9102 }]]);
    expect(scraped({ metricsPort: 'http' })).toEqual(['http', [{ protocol: 'TCP', port: 8080 }]]);
  });

  it('cross-object: the ServiceMonitor selects the Service by its labels, a port name it has, and keeps it by name', () => {
    for (const owner of ['blue-green', 'canary']) {
      const { objects } = render(score({ resources: { deployment: { type: owner }, monitoring: monitoring({ devTeamSlackChannel: 'team' }) } }));
      const sm = findObject(objects, 'ServiceMonitor');
      const selected = objects.filter((o) => o.kind === 'Service' && Object.entries(at(sm, 'spec', 'selector', 'matchLabels') as object).every(([k, v]) => o.metadata.labels?.[k] === v));
      expect(selected.length).toBe(2); // active/preview or stable/canary: the relabeling keeps one
      const kept = selected.filter((o) => o.metadata.name === at(sm, 'spec', 'endpoints', 0, 'relabelings', 0, 'regex'));
      expect(kept).toHaveLength(1);
      expect((at(kept[0], 'spec', 'ports') as Array<{ name: string }>).map((p) => p.name)).toContain(at(sm, 'spec', 'endpoints', 0, 'port'));
      const pods = at(findObject(objects, 'Rollout'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
      expect(pods).toMatchObject(at(findObject(objects, 'NetworkPolicy', 'shop-allow-scrape'), 'spec', 'podSelector', 'matchLabels') as object);
      expect(at(findObject(objects, 'AlertmanagerConfig'), 'spec', 'receivers', 0, 'slackConfigs', 0, 'apiURL', 'name')).toBe(at(findObject(objects, 'ExternalSecret', 'shop-slack-webhook'), 'spec', 'target', 'name'));
    }
  });

  it('params validation and a missing metrics port: exact messages', () => {
    const text = score({ resources: { monitoring: monitoring({ devTeamSlackChannel: 'team', errorRateThreshold: 2 }) } });
    expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'errorRateThreshold')}: resources.monitoring.params.errorRateThreshold: must be <= 1`);
    const missing = score({ resources: { monitoring: monitoring({}) } });
    expect(renderError(missing)).toBe(`services/svc/score.yaml:${positionOf(missing, 'params')}: resources.monitoring.params: missing required field 'devTeamSlackChannel'`);
    expect(renderError(score({ resources: { monitoring: monitoring({ devTeamSlackChannel: 'team', metricsPort: 'metrics' }) } }))).toContain(
      "monitoring: the metrics port 'metrics' is not in service.ports (the ServiceMonitor scrapes a Service port by name)",
    );
  });

  it('scope (issue 11): the webhook secret is the platform\'s, not a param: a service cannot pull another platform secret', () => {
    const text = score({ resources: { deployment: { type: 'blue-green' }, monitoring: monitoring({ devTeamSlackChannel: 'team', slackWebhookSecret: { key: 'platform/prod/db-root' } }) } });
    expect(renderError(text)).toMatch(/^services\/svc\/score\.yaml:\d+:\d+: resources\.monitoring\.params(\.slackWebhookSecret)?: .*slackWebhookSecret/);
  });

  it('injection: free-text params come out as that exact string, with the same objects', () => {
    const base = kindCounts(render(typical).objects);
    for (const bad of INJECTIONS) {
      const { objects } = render(score({ resources: { deployment: { type: 'blue-green' }, monitoring: monitoring({ devTeamSlackChannel: bad }) } }));
      expect(kindCounts(objects)).toEqual(base);
      expect(at(findObject(objects, 'AlertmanagerConfig'), 'spec', 'receivers', 0, 'slackConfigs', 0, 'channel')).toBe(`#${bad}`);
      expect(at(findObject(objects, 'ExternalSecret', 'shop-slack-webhook'), 'spec', 'data', 0, 'remoteRef')).toEqual({ key: 'platform/alerting/slack-webhooks', property: bad });
      const text = score({ resources: { monitoring: monitoring({ devTeamSlackChannel: 'team', metricsPath: bad }) } });
      expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, 'metricsPath')}: resources.monitoring.params.metricsPath: must match pattern ^/[-A-Za-z0-9._~%/]*$`);
    }
  });

  it('a 63-character workload name: names and labels stay valid', () => {
    const name = `very-long-service-name-${'x'.repeat(40)}`;
    const { objects } = render(score({ name, resources: { deployment: { type: 'blue-green' }, monitoring: monitoring({ devTeamSlackChannel: 'team' }) } }));
    expectValidNames(byComponent(objects, 'monitoring'));
  });
});
