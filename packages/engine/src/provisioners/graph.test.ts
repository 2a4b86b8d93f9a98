import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import type { ScoreResource } from '../score/types';
import { thrown } from '../test-support';
import { provisioningOrder } from './graph';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';

const r = (params?: Record<string, unknown>): ScoreResource => ({ type: 'config', ...(params ? { params } : {}) });

describe('provisioningOrder', () => {
  it('sorts independent resources by name (code-unit order)', () => {
    expect(provisioningOrder({ zeta: r(), Alpha: r(), beta: r(), alpha: r() })).toEqual(['Alpha', 'alpha', 'beta', 'zeta']);
  });

  it('puts a resource after those its params refer to, at any depth', () => {
    const order = provisioningOrder({
      app: r({ url: 'http://${resources.db.host}:${resources.cache.port}' }),
      cache: r({ nested: { list: ['${resources.net.cidr}'] } }),
      db: r({ x: '${metadata.region}' }),
      net: r(),
      aaa: r({ y: '${resources.app.url}' }),
    });
    expect(order).toEqual(['db', 'net', 'cache', 'app', 'aaa']);
  });

  it('ignores escaped placeholders and metadata refs', () => {
    expect(provisioningOrder({ a: r({ x: '$${resources.b.x}', y: '${metadata.b}' }), b: r({ z: '${resources.a.x}' }) })).toEqual(['a', 'b']);
  });

  it('rejects a reference to an unknown resource at the param path', () => {
    const err = thrown(() => provisioningOrder({ a: r({ list: [{ k: 'x' }, { k: '${resources.nope.host}' }] }), b: r() }), DocumentError);
    expect(err.path).toEqual(['resources', 'a', 'params', 'list', 1, 'k']);
    expect(err.message).toBe("resources.a.params.list[1].k: refers to unknown resource 'nope' (resources: a, b)");
  });

  it('rejects a cycle at the placeholder of its first resource, naming every step (not the resources that only wait on it)', () => {
    const err = thrown(
      () =>
        provisioningOrder({
          tail: r({ x: '${resources.c.x}' }),
          c: r({ x: '${resources.a.x}' }),
          b: r({ list: ['ok', '${resources.c.x}'] }),
          a: r({ x: 'plain', y: { z: '${resources.b.x}' } }),
          free: r(),
        }),
      DocumentError,
    );
    expect(err.path).toEqual(['resources', 'a', 'params', 'y', 'z']);
    expect(err.message).toBe(
      "resources.a.params.y.z: resources 'a', 'b', 'c' form a cycle through the ${resources...} placeholders in their params (resources.a.params.y.z refers to 'b', resources.b.params.list[1] refers to 'c', resources.c.params.x refers to 'a')",
    );
  });

  it('rejects a resource that refers to itself', () => {
    expect(errorOf(() => provisioningOrder({ self: r({ x: '${resources.self.x}' }) }))).toBe(
      "resources.self.params.x: resources 'self' form a cycle through the ${resources...} placeholders in their params (resources.self.params.x refers to 'self')",
    );
  });

  it('places the cycle error in the Score file, at the first resource of the cycle', () => {
    const ws = createWorkspace({
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  two:', '    type: config', '    params:', '      configData:', '        A: ${resources.one.x}', '  one:', '    type: config', '    params:', '      configData:', '        B: ${resources.two.x}']),
    });
    expect(errorOf(() => ws.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:18:9: resources.one.params.configData.B: resources 'one', 'two' form a cycle through the ${resources...} placeholders in their params (resources.one.params.configData.B refers to 'two', resources.two.params.configData.A refers to 'one')",
    );
  });

  it('orders a long chain in time linear in its length', () => {
    const chain = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`r${i}`, r(i === 0 ? undefined : { x: `\${resources.r${i - 1}.x}` })]));
    const order = provisioningOrder(chain);
    expect(order[0]).toBe('r0');
    expect(order.at(-1)).toBe('r19999');
  });

  it('places the unknown-resource error in the Score file (found when the file is loaded)', () => {
    const ws = createWorkspace({
      'services/api/score.yaml': scoreYaml('api', ['resources:', '  settings:', '    type: config', '    params:', '      configData:', '        HOST: ${resources.db.host}']),
    });
    expect(errorOf(() => ws.generate('api', 'dev'))).toBe(
      "services/api/score.yaml:13:9: resources.settings.params.configData.HOST: invalid ref 'resources.db.host': no known resource 'db'",
    );
  });
});
