import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCelRules, evaluate, fieldPathSegments, PER_CALL_COST_LIMIT } from './crd-rules';
import type { SchemaNode } from './crd-rules';

// Small schemas carrying rules as the shipped CRDs state them (Istio, Gateway API, Argo Rollouts, CNPG).
const timeout: SchemaNode = { type: 'string', 'x-kubernetes-validations': [{ message: 'must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" }] };
const virtualService: SchemaNode = {
  type: 'object',
  properties: { spec: { type: 'object', properties: { http: { type: 'array', items: { type: 'object', properties: { timeout } } } } } },
};
const httpRouteFilters: SchemaNode = {
  type: 'object',
  properties: {
    filters: {
      type: 'array',
      items: { type: 'object', properties: { type: { type: 'string' } } },
      'x-kubernetes-validations': [
        { message: 'URLRewrite filter cannot be repeated', rule: "self.filter(f, f.type == 'URLRewrite').size() <= 1" },
        { message: 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both', rule: "!(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))" },
      ],
    },
  },
};

describe('checkCelRules', () => {
  it('reports an Istio timeout under 1ms at its path, with the rule message', () => {
    const vs = { spec: { http: [{ timeout: '5s' }, { timeout: '500us' }] } };
    expect(checkCelRules(vs, virtualService)).toEqual([
      { source: 'cel', path: '/spec/http/1/timeout', msg: 'Invalid value: must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')" },
    ]);
    expect(checkCelRules({ spec: { http: [{ timeout: '1ms' }] } }, virtualService)).toEqual([]);
  });

  it('binds self to the list node: two URLRewrite filters fail, one passes', () => {
    const two = { filters: [{ type: 'URLRewrite' }, { type: 'URLRewrite' }] };
    expect(checkCelRules(two, httpRouteFilters).map((f) => [f.path, f.msg])).toEqual([['/filters', 'Invalid value: URLRewrite filter cannot be repeated']]);
    expect(checkCelRules({ filters: [{ type: 'URLRewrite' }, { type: 'RequestHeaderModifier' }] }, httpRouteFilters)).toEqual([]);
    expect(checkCelRules({ filters: [{ type: 'URLRewrite' }, { type: 'RequestRedirect' }] }, httpRouteFilters).map((f) => f.msg)).toEqual([
      'Invalid value: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    ]);
  });

  it('does not run rules of absent fields', () => {
    expect(checkCelRules({ spec: { http: [{}] } }, virtualService)).toEqual([]);
  });

  it('treats integer fields as CEL ints (Argo Rollouts: int compared with int)', () => {
    const s: SchemaNode = { type: 'object', properties: { replicas: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.replicas >= 0', message: 'replicas must be >= 0' }] };
    expect(checkCelRules({ replicas: 2 }, s)).toEqual([]);
    expect(checkCelRules({ replicas: -1 }, s).map((f) => f.msg)).toEqual(['Invalid value: replicas must be >= 0']);
  });

  it('skips transition rules on create', () => {
    const s: SchemaNode = { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable' }] };
    expect(checkCelRules('anything', s)).toEqual([]);
  });

  it('uses messageExpression, falls back to message, then to the rule', () => {
    const s = (rule: object): SchemaNode => ({ type: 'object', properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n < 3', ...rule }] });
    expect(checkCelRules({ n: 5 }, s({ messageExpression: "'n is ' + string(self.n)", message: 'static' }))[0]!.msg).toBe('Invalid value: n is 5');
    expect(checkCelRules({ n: 5 }, s({ messageExpression: 'self.missing', message: 'static' }))[0]!.msg).toBe('Invalid value: static');
    expect(checkCelRules({ n: 5 }, s({}))[0]!.msg).toBe('Invalid value: failed rule: self.n < 3');
  });

  it('appends fieldPath to the path and words the reason', () => {
    const s: SchemaNode = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: "has(self.b) || !has(self.a)", message: 'b is required with a', fieldPath: ".b['x.y']", reason: 'FieldValueRequired' }],
    };
    expect(checkCelRules({ a: 1 }, s)).toEqual([{ source: 'cel', path: '/b/x.y', msg: 'Required value: b is required with a', rule: 'has(self.b) || !has(self.a)' }]);
    expect(fieldPathSegments('.spec.ports[0]')).toEqual(['spec', 'ports', '0']);
    expect(fieldPathSegments('spec')).toBeUndefined();
  });

  it('reports runtime errors and compile errors of a rule', () => {
    const s: SchemaNode = { type: 'string', 'x-kubernetes-validations': [{ rule: 'duration(self) > duration("1s")' }] };
    expect(checkCelRules('soon', s)[0]!.msg).toMatch(/^duration\(self\) > duration\("1s"\): /);
    const bad: SchemaNode = { type: 'string', 'x-kubernetes-validations': [{ rule: 'self ==' }] };
    expect(checkCelRules('x', bad)[0]!.msg).toMatch(/compilation failed/);
  });

  it('refuses a rule whose cost estimate exceeds the per-call limit', () => {
    const big = Array.from({ length: 1200 }, (_, i) => i);
    const s: SchemaNode = { type: 'array', items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x == y || x != y))' }] };
    expect(1201 ** 3).toBeGreaterThan(PER_CALL_COST_LIMIT);
    expect(checkCelRules(big, s)[0]!.msg).toMatch(/actual cost limit exceeded/);
    expect(checkCelRules([1, 2], s)).toEqual([]);
  });
});

describe('Kubernetes CEL libraries', () => {
  const cases: [string, unknown][] = [
    ["quantity('100Mi').isGreaterThan(quantity('100M'))", true],
    ["quantity('1.5').compareTo(quantity('1500m'))", 0n],
    ["quantity('2Gi').add(quantity('512Mi')).isGreaterThan(quantity('2.5Gi'))", false],
    ["quantity('250m').asApproximateFloat()", 0.25],
    ["isQuantity('1x')", false],
    ["quantity('-1').sign()", -1n],
    ["url('https://example.com:8443/a?b=c').getHost()", 'example.com:8443'],
    ["url('https://example.com:8443/a').getPort()", '8443'],
    ["url('/path').getScheme()", ''],
    ["isURL('not a url')", false],
    ["ip('10.0.0.1').family()", 4n],
    ["ip.isCanonical('2001:db8:0:0:0:0:0:1')", false],
    ["ip.isCanonical('2001:db8::1')", true],
    ["isIP('1.2.3')", false],
    ["cidr('10.0.0.0/8').containsIP('10.2.3.4')", true],
    ["cidr('10.0.0.0/8').containsCIDR('11.0.0.0/16')", false],
    ["string(cidr('192.168.1.7/24').masked())", '192.168.1.0/24'],
    ["isCIDR('10.0.0.0/33')", false],
    ["format.dns1123Label().validate('Bad_Name').hasValue()", true],
    ["format.dns1123Label().validate('good-name').hasValue()", false],
    ["format.named('labelValue').hasValue()", true],
    ['[1, 2, 3].isSorted()', true],
    ['[3, 1].isSorted()', false],
    ['[1, 2, 3].sum()', 6n],
    ["['b', 'a'].min()", 'a'],
    ['[1, 2, 1].lastIndexOf(1)', 2n],
    ["'abc 123'.find('[0-9]+')", '123'],
    ["'a1b22c333'.findAll('[0-9]+', 2)", ['1', '22']],
    ["'a/b/c'.split('/').size()", 3n],
    ["'hello'.substring(1, 3)", 'el'],
    ["'Hello'.lowerAscii()", 'hello'],
    ["'x-y'.matches('^[a-z]-[a-z]$')", true],
  ];
  it.each(cases)('%s', (expr, value) => {
    const r = evaluate(expr, {});
    if (Array.isArray(value)) {
      expect('value' in r && [...(r.value as Iterable<unknown>)]).toEqual(value);
    } else expect(r).toEqual({ value });
  });
  it('errors on bad conversions', () => {
    expect(evaluate("quantity('1x')", {})).toHaveProperty('error');
    expect(evaluate("ip('::ffff:1.2.3.4')", {})).toHaveProperty('error');
    expect(evaluate('[].min()', {})).toHaveProperty('error');
  });
});

// The real CRD schemas of the workspace: every rule compiles, and the Done-when objects fail with the rule's message.
// ../shared beside the checkout; SCORE_NX_SHARED points elsewhere (a worktree's checkout has no sibling shared/).
const CRDS = resolve(process.env.SCORE_NX_SHARED ?? resolve(__dirname, '../../../../shared'), 'schemas/crds');
const schema = (rel: string) => JSON.parse(readFileSync(resolve(CRDS, rel), 'utf8')) as SchemaNode;
describe.skipIf(!existsSync(CRDS))(`shared CRD schemas (needs ${CRDS})`, () => {
  it('compiles every x-kubernetes-validations rule of the shipped CRDs', () => {
    const failures: string[] = [];
    let count = 0;
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (n === null || typeof n !== 'object') return;
      for (const r of ((n as SchemaNode)['x-kubernetes-validations'] ?? [])) {
        count++;
        const e = evaluate(r.rule, {});
        if ('error' in e && /compilation failed|unknown function|no such overload for .* with 0 args/.test(e.error)) failures.push(`${r.rule}: ${e.error}`);
      }
      Object.values(n).forEach(walk);
    };
    for (const g of readdirSync(CRDS)) for (const f of readdirSync(resolve(CRDS, g))) walk(schema(`${g}/${f}`));
    expect(count).toBeGreaterThan(250);
    expect(failures).toEqual([]);
  });
  it('VirtualService timeout 500us and HTTPRoute with two URLRewrite filters', () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a' }, spec: { hosts: ['a'], http: [{ timeout: '500us', route: [{ destination: { host: 'a' } }] }] } };
    expect(checkCelRules(vs, schema('networking.istio.io/virtualservice_v1.json')).map((f) => [f.path, f.msg])).toEqual([
      ['/spec/http/0/timeout', 'Invalid value: must be a valid duration greater than 1ms'],
    ]);
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' },
      spec: { rules: [{ filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'a.example.com' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'b.example.com' } }] }] },
    };
    expect(checkCelRules(route, schema('gateway.networking.k8s.io/httproute_v1.json')).map((f) => [f.path, f.msg])).toContainEqual([
      '/spec/rules/0/filters', 'Invalid value: URLRewrite filter cannot be repeated',
    ]);
  });
});
