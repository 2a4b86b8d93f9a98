// A resource's params are validated against the provisioner that serves it in the render's environment (issue 13):
// s3 is MinIO (s3) in dev and S3 (s3-aws) in prod, postgres-instance CloudNativePG in dev and RDS in prod. The
// error names that provisioner and the position of the param, not a rule of another environment's provisioner.
import { describe, expect, it } from 'vitest';
import { tempService } from './test-support/render';

// In staging and prod the workload reaches S3 with its pod identity: the Score file declares one.
const score = (type: string, params: string) =>
  `apiVersion: score.dev/v1b1\nmetadata:\n  name: svc\ncontainers:\n  main:\n    image: nginx:1.27\nresources:\n  store:\n    type: ${type}\n    params:\n${params}  identity:\n    type: pod-identity\n`;

function renderError(type: string, params: string, env: string): string {
  const service = tempService(score(type, params), JSON.stringify({ environments: { [env]: {} } }));
  try {
    service.render(env);
  } catch (err) {
    return (err as Error).message;
  } finally {
    service.cleanup();
  }
  return 'rendered';
}

function renders(type: string, params: string, env: string): number {
  const service = tempService(score(type, params), JSON.stringify({ environments: { [env]: {} } }));
  try {
    return service.render(env).objects.length;
  } finally {
    service.cleanup();
  }
}

describe("params are checked against the environment's provisioner", () => {
  it("s3 in dev: a bad storage reads as s3's pattern, not s3-aws's unknown field", () => {
    expect(renderError('s3', '      storage: big\n', 'dev')).toBe(
      "services/svc/score.yaml:11:7: resources.store.params.storage: must match pattern ^[0-9]+(Mi|Gi|Ti)$",
    );
    expect(renderError('s3', '      versioning: true\n', 'dev')).toBe("services/svc/score.yaml:11:7: resources.store.params.versioning: unknown field 'versioning'");
    expect(renders('s3', '      storage: 2Gi\n', 'dev')).toBeGreaterThan(0);
  });

  it("s3 in prod: s3-aws's params", () => {
    expect(renderError('s3', '      storage: 2Gi\n', 'prod')).toBe("services/svc/score.yaml:11:7: resources.store.params.storage: unknown field 'storage'");
    expect(renderError('s3', '      access: write-only\n', 'prod')).toMatch(/^services\/svc\/score\.yaml:11:7: resources\.store\.params\.access: .*$/);
    expect(renders('s3', '      versioning: false\n', 'prod')).toBeGreaterThan(0);
  });

  it('postgres-instance: CloudNativePG in dev, RDS in prod', () => {
    expect(renderError('postgres-instance', '      instanceClass: db.t4g.small\n', 'dev')).toBe(
      "services/svc/score.yaml:11:7: resources.store.params.instanceClass: unknown field 'instanceClass' (did you mean 'instances'?)",
    );
    expect(renderError('postgres-instance', '      instances: 2\n', 'prod')).toBe(
      "services/svc/score.yaml:11:7: resources.store.params.instances: unknown field 'instances'",
    );
    expect(renderError('postgres-instance', '      instances: 9\n', 'dev')).toBe(
      "services/svc/score.yaml:11:7: resources.store.params.instances: must be <= 3",
    );
    expect(renders('postgres-instance', '      instances: 2\n', 'dev')).toBeGreaterThan(0);
    expect(renders('postgres-instance', '      instanceClass: db.t4g.small\n', 'prod')).toBeGreaterThan(0);
  });
});
