import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../k8s';
import { createWorkspace, errorOf, scoreYaml } from './test-support/workspace';

const SERVICE = { 'services/api/score.yaml': scoreYaml('api', ['service:', '  ports: {http: {port: 80, targetPort: 8080}}']) };

/** A workspace whose library has one patch file `_patches/p.yaml` with these lines. */
function withPatch(lines: string[]) {
  return createWorkspace({ ...SERVICE, 'provisioners/_patches/p.yaml': ['description: A test patch.', ...lines, ''].join('\n') });
}

const one = (objects: readonly K8sObject[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]! as K8sObject & { spec: { revisionHistoryLimit?: number; ports: Array<{ port: number }> } };
};

describe('library patches (provisioners/_patches)', () => {
  it('a merge patch changes the objects it matches, in the environments it names', () => {
    const plain = createWorkspace(SERVICE);
    const w = withPatch(['environments: [prod]', 'match: {kind: Deployment}', 'mergePatch:', '  spec: {revisionHistoryLimit: 3}', '  metadata: {annotations: {patched: "yes"}}']);
    const prod = w.generate('api', 'prod').objects;
    const before = plain.generate('api', 'prod').objects;
    expect(one(prod, 'Deployment').spec.revisionHistoryLimit).toBe(3);
    expect(one(prod, 'Deployment').metadata.annotations).toEqual({ ...(one(before, 'Deployment').metadata.annotations ?? {}), patched: 'yes' });
    // Everything else is as rendered: the Service, and dev, which the patch does not name.
    expect(one(prod, 'Service')).toEqual(one(before, 'Service'));
    expect(w.generate('api', 'dev').yaml).toBe(plain.generate('api', 'dev').yaml);
  });

  it('a JSON patch applies its operations in order; a failing operation is an error at it', () => {
    const w = withPatch(['match: {kind: Service}', 'jsonPatch:', '  - {op: add, path: /metadata/annotations, value: {a: "1"}}', '  - {op: replace, path: /spec/ports/0/port, value: 8081}']);
    const service = one(w.generate('api', 'dev').objects, 'Service');
    expect(service.metadata.annotations).toEqual({ a: '1' });
    expect(service.spec.ports[0]!.port).toBe(8081);
    const bad = withPatch(['match: {kind: Service}', 'jsonPatch:', '  - {op: remove, path: /spec/nothing}']);
    expect(errorOf(() => bad.generate('api', 'dev'))).toMatch(/^provisioners\/_patches\/p\.yaml:4:5: jsonPatch\[0\]: cannot apply to Service 'api': /);
  });

  it.each([
    [['mergePatch:', '  metadata: {namespace: other}'], '4:14: mergePatch.metadata.namespace', 'namespace'],
    [['mergePatch: {kind: Pod}'], '3:14: mergePatch.kind', 'kind'],
    [['mergePatch:', '  metadata: {name: other}'], '4:14: mergePatch.metadata.name', 'name'],
    [['mergePatch:', '  metadata: {labels: {platform.example.com/team: team-b}}'], '4:23: mergePatch.metadata.labels.platform.example.com/team', "ownership label 'platform.example.com/team'"],
    [['mergePatch:', '  metadata: {labels: {app.kubernetes.io/managed-by: null}}'], '4:23: mergePatch.metadata.labels.app.kubernetes.io/managed-by', "ownership label 'app.kubernetes.io/managed-by'"],
    [['jsonPatch:', '  - {op: add, path: /metadata/annotations, value: {}}', '  - {op: replace, path: /metadata/namespace, value: kube-system}'], '5:5: jsonPatch[1]', 'namespace'],
    [['jsonPatch:', '  - {op: remove, path: /metadata/labels/app.kubernetes.io~1instance}'], '4:5: jsonPatch[0]', "ownership label 'app.kubernetes.io/instance'"],
  ])('refuses a patch that changes identity or ownership: %j', (lines, where, what) => {
    const w = withPatch(['match: {kind: Service}', ...lines]);
    expect(errorOf(() => w.generate('api', 'dev'))).toBe(
      `provisioners/_patches/p.yaml:${where}: a patch may not change an object's ${what} (Service 'api'): namespace, kind, name and ownership labels stay as rendered`,
    );
  });

  it("adds objects only in the service's namespace, with its ownership labels", () => {
    const w = withPatch(['objects:', '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: extra}, data: {a: b}}']);
    const added = one(w.generate('api', 'dev').objects, 'ConfigMap');
    expect(added.metadata.namespace).toBe('team-a');
    expect(added.metadata.labels?.['app.kubernetes.io/name']).toBe('api');
    expect(errorOf(() => withPatch(['objects:', '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: kube-system}}']).generate('api', 'dev'))).toBe(
      "provisioners/_patches/p.yaml:3:59: objects[0].metadata.namespace: a patch may add objects only in the service's namespace 'team-a', not 'kube-system'",
    );
    expect(errorOf(() => withPatch(['objects:', '  - {apiVersion: v1, kind: Namespace, metadata: {name: x}}']).generate('api', 'dev'))).toBe(
      "provisioners/_patches/p.yaml:3:22: objects[0].kind: a patch may add objects only in the service's namespace: Namespace is cluster-scoped",
    );
    expect(errorOf(() => withPatch(['objects:', '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, labels: {app.kubernetes.io/name: other}}}']).generate('api', 'dev'))).toBe(
      "provisioners/_patches/p.yaml:3:68: objects[0].metadata.labels.app.kubernetes.io/name: a patch may not set the ownership label 'app.kubernetes.io/name' of an object it adds",
    );
  });

  it('a patch file is checked when the library loads', () => {
    expect(errorOf(() => withPatch(['mergePatch: {}', 'jsonPatch: []']).generate('api', 'dev'))).toBe('provisioners/_patches/p.yaml:3:1: jsonPatch: a patch has a mergePatch or a jsonPatch, not both');
    expect(errorOf(() => withPatch(['match: {kinds: Service}']).generate('api', 'dev'))).toMatch(/^provisioners\/_patches\/p\.yaml:2:9: match\.kinds: unknown field 'kinds' \(did you mean 'kind'\?\)$/);
  });
});
