import { describe, expect, it } from 'vitest';
import { renderError, score } from './test-support/helpers';

/** Issue 11, "Why" 3: a Score file must not override trust-bearing platform metadata. */
describe('platform-owned metadata', () => {
  const allowed = 'a Score file may set: name, annotations, engineNamespace, level1System, level2System, repoSlug, identity';

  it("refuses metadata.externalSecretsRoleArn: '*' (which made the IAM trust policy trust any principal), naming the key and its place", () => {
    const message = renderError(score({ metadata: { externalSecretsRoleArn: '*' }, resources: { identity: { type: 'pod-identity' } } }));
    expect(message).toBe(`services/svc/score.yaml:7:5: metadata.externalSecretsRoleArn: 'externalSecretsRoleArn' is platform-owned metadata in environment 'dev' (environments/dev.yaml); ${allowed}`);
  });

  it.each(['awsAccountId', 'cluster', 'domain', 'publicGateway', 'vpcCidr'])('refuses metadata.%s in every environment', (key) => {
    for (const env of ['dev', 'staging', 'prod']) {
      const message = renderError(score({ metadata: { [key]: 'ledger-api.example.com' }, resources: {} }), env);
      expect(message).toMatch(new RegExp(`^services/svc/score\\.yaml:\\d+:5: metadata\\.${key}: '${key}' is platform-owned metadata in environment '${env}' \\(environments/${env}\\.yaml\\); `));
    }
  });
});
