import { describe, expect, it } from 'vitest';
import { DocumentError } from '../errors';
import { workloadResolver } from '../score/placeholders';
import { thrown } from '../test-support';
import { encodeSecretRef, secretRefEnvName } from './secrets';
import { convertVariables } from './variables';

const resolve = workloadResolver({ metadata: { name: 'api' }, resources: { db: { host: 'db.svc', password: encodeSecretRef('db-secret', 'password') } } });

describe('convertVariables', () => {
  it('returns env entries sorted by name, an empty value without `value`', () => {
    expect(convertVariables({ image: 'x', variables: { B: 'two', A: '${metadata.name}', E: '' } }, resolve, ['containers', 'main', 'variables'])).toEqual([
      { name: 'A', value: 'api' },
      { name: 'B', value: 'two' },
      { name: 'E' },
    ]);
  });

  it('makes a whole secret reference a secretKeyRef, and a mixed value a composition of helper variables listed first', () => {
    const helper = secretRefEnvName({ name: 'db-secret', key: 'password' });
    expect(convertVariables({ image: 'x', variables: { PW: '${resources.db.password}', URL: 'pg://u:${resources.db.password}@${resources.db.host}' } }, resolve, ['v'])).toEqual([
      { name: helper, valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password' } } },
      { name: 'PW', valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password' } } },
      { name: 'URL', value: `pg://u:$(${helper})@db.svc` },
    ]);
  });

  it('names the variable of a bad reference', () => {
    const err = thrown(() => convertVariables({ image: 'x', variables: { X: '${resources.nope.host}' } }, resolve, ['containers', 'main', 'variables']), DocumentError);
    expect(err.path).toEqual(['containers', 'main', 'variables', 'X']);
  });
});
