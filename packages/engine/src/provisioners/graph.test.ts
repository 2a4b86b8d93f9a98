import { describe, expect, it } from 'vitest';
import { DocumentError, UserError } from '../errors';
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

  it('rejects a cycle, naming the resources left', () => {
    const err = thrown(
      () =>
        provisioningOrder({
          a: r({ x: '${resources.b.x}' }),
          b: r({ x: '${resources.c.x}' }),
          c: r({ x: '${resources.a.x}' }),
          free: r(),
          tail: r({ x: '${resources.a.x}' }),
        }),
      UserError,
    );
    expect(err.message).toBe("resources 'a', 'b', 'c', 'tail' form a cycle through the ${resources...} placeholders in their params");
  });

  it('rejects a resource that refers to itself', () => {
    expect(errorOf(() => provisioningOrder({ self: r({ x: '${resources.self.x}' }) }))).toBe(
      "resources 'self' form a cycle through the ${resources...} placeholders in their params",
    );
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
