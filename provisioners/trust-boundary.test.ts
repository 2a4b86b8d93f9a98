import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSecretRef, libyamlAvailable, readWithLibyaml } from '@score-nx/engine/testing';
import type { K8sObject } from '@score-nx/engine';
import { at, positionOf, render, renderError, score, WEB } from './test-support/helpers';
import { findObject, tempService } from './test-support/render';

/** Issue 11, "Why" 3: a Score file must not override trust-bearing platform metadata. */
describe('platform-owned metadata', () => {
  const allowed = 'a Score file may set: name, annotations, engineNamespace, level1System, level2System, repoSlug, identity, owner, lifecycle, apis, description';

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

/** Issue 11, "Why" 4: secret access and namespaces are scoped to the team. */
describe('scoped access', () => {
  it.each(['kube-system', 'istio-system', 'argocd', 'default'])("refuses engineNamespace '%s', a namespace the platform reserves", (ns) => {
    expect(renderError(score({ metadata: { engineNamespace: ns }, resources: {} }))).toMatch(
      new RegExp(`^services/svc/score\\.yaml:\\d+:5: metadata\\.engineNamespace: namespace '${ns}' is reserved by the platform in environment 'dev' \\(environments/dev\\.yaml: reservedNamespaces [a-z*-]+\\)$`),
    );
  });

  it('refuses a hand-written secret-reference marker in a variable (it would become a secretKeyRef to any Secret)', () => {
    const text = score({ containers: { web: { image: 'nginx', variables: { STOLEN: encodeSecretRef('ledger-api-db', 'password') } } }, resources: {} });
    expect(renderError(text)).toMatch(/^services\/svc\/score\.yaml:\d+:\d+: containers\.web\.variables\.STOLEN: a secret-reference marker \(🔐💬…💬🔐\) is reserved for provisioner outputs; /);
  });

  it('keeps secret references that a provisioner produced (postgres password)', () => {
    const { objects } = render(score({ resources: { db: { type: 'postgres' } }, containers: { web: { image: 'nginx', variables: { PW: '${resources.db.password}' } } } }));
    const env = (findObject(objects, 'Deployment').spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; valueFrom?: unknown }> }> } } }).template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === 'PW')?.valueFrom).toBeDefined();
  });

  describe('namespace ownership (namespaceOwners)', () => {
    function withOwners(repoSlug: string | undefined, namespace = 'payments') {
      const svc = tempService(score({ metadata: { engineNamespace: namespace, ...(repoSlug ? { repoSlug } : {}) }, resources: {} }));
      const file = join(svc.root, 'environments/dev.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^metadata:$/m, 'namespaceOwners:\n  payments: [MyOrg]\nmetadata:'));
      try {
        return svc.render('dev');
      } finally {
        svc.cleanup();
      }
    }
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };

    it('renders a service of an owner the map allows there', () => {
      expect(withOwners('MyOrg/shop').namespace).toBe('payments');
    });

    it('refuses another owner, a service without repoSlug, and a namespace outside the map', () => {
      expect(message(() => withOwners('Mallory/shop'))).toMatch(/metadata\.engineNamespace: namespace 'payments' belongs to MyOrg in environment 'dev' \(environments\/dev\.yaml: namespaceOwners\), and the service's owner \(metadata\.repoSlug\) is 'Mallory'$/);
      expect(message(() => withOwners(undefined))).toMatch(/the service's owner \(metadata\.repoSlug\) is not set$/);
      expect(message(() => withOwners('MyOrg/shop', 'orders'))).toMatch(/metadata\.engineNamespace: namespace 'orders' is not one that services may deploy to in environment 'dev' \(environments\/dev\.yaml: namespaceOwners\)$/);
    });
  });
});

/** Issue 11, "Why" 5: user-chosen names are ordinary data for provisioner templates, whatever they are called. */
describe('containers named like JavaScript internals', () => {
  const podContainers = (objects: readonly K8sObject[], kind: string) =>
    (at(findObject(objects, kind), 'spec', 'template', 'spec', 'containers') as Array<{ name: string; image: string }>).map((c) => `${c.name}=${c.image}`);
  const withContainer = (name: string, type: string) =>
    score({ containers: { [name]: { ...WEB, image: `registry.example.com/${name.toLowerCase()}:1` } }, resources: { deployment: { type }, migrate: { type: 'pre-deployment-job', params: { args: ['up'], container: name } } } });

  it.each(['constructor', 'prototype'])("blue-green, canary and pre-deployment-job render a container named '%s' (valid labels)", (name) => {
    for (const type of ['blue-green', 'canary']) {
      const { objects } = render(withContainer(name, type));
      expect(podContainers(objects, 'Rollout')).toEqual([`${name}=registry.example.com/${name}:1`]);
      expect(podContainers(objects, 'Job')).toEqual([`${name}=registry.example.com/${name}:1`]);
    }
  });

  it.each(['__proto__', 'toString'])("a container named '%s' is refused as a name, with its position, before any template runs", (name) => {
    const text = withContainer(name, 'blue-green');
    expect(renderError(text)).toBe(`services/svc/score.yaml:${positionOf(text, name)}: containers.${name}: invalid key '${name}': must be a lowercase RFC 1123 label: 2-63 characters of a-z, 0-9 or '-', starting and ending with a letter or digit`);
  });
});

/** Issue 11, "Why" 8: newlines and ESC from user values are never echoed raw into messages. */
describe('user values in messages', () => {
  const HOSTILE = 'a\nb\u001b[31mc\r\u2028';
  const ESCAPED = 'a\\nb\\u001B[31mc\\u000D\\u2028';

  it.each([
    ['a resource type', score({ resources: { res: { type: HOSTILE } } }), 'resources.res.type: must be 2-63 characters of A-Z'],
    ['a container name', score({ containers: { [HOSTILE]: WEB }, resources: {} }), `containers.${ESCAPED}: invalid key '${ESCAPED}'`],
    ['a configData key', score({ resources: { cfg: { type: 'configmap', params: { configData: { [HOSTILE]: 'v' } } } } }), `resources.cfg.params.configData.${ESCAPED}`],
  ])('%s holding a line feed, ESC, CR and U+2028 is escaped, and each error stays one positioned line', (_what, text, expected) => {
    const message = renderError(text);
    // Every error of the file is reported, one per line (issue 17): a raw line break would start a line of its own.
    const lines = message.split('\n');
    for (const line of lines) expect(line).toMatch(/^services\/svc\/score\.yaml:\d+:\d+: /);
    expect(message).toContain(expected);
    expect([...message].filter((c) => /[\r\u2028]/.test(c) || c === "\u001b")).toEqual([]);
  });
});

/**
 * Issue 11, "Why" 2: a character a YAML 1.1 reader (libyaml; go-yaml v2 in kubectl and Argo CD) takes for a line
 * break, folds or refuses never reaches the output raw, wherever a Score file puts it: variables, configData (written
 * through the configmap provisioner's templates), files.content and annotations. Each value reads back identical.
 */
describe('structure injection for YAML 1.1 readers, through the real provisioners', () => {
  const INJECT = '          securityContext: {privileged: true}';
  const CHARS: Record<string, string> = { LS: '\u2028', PS: '\u2029', NEL: '\u0085', DEL: '\u007f', C1: '\u0080', C1END: '\u009f', NONCHAR: '\ufffe', BOM: '\ufeff' };
  // Every class of character in every place, plus the blank-only line that a block literal would lose (" \n").
  const values = { ...Object.fromEntries(Object.entries(CHARS).map(([k, c]) => [`V-${k}`, `a\nb${c}${INJECT}`])), 'V-BLANK': ' \n', 'V-TRAIL': 'a \nb' };
  const text = score({
    metadata: { annotations: Object.fromEntries(Object.entries(values).map(([k, v]) => [`example.com/${k.toLowerCase()}`, v])) },
    containers: { web: { ...WEB, variables: Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace('-', '_'), v])), files: Object.fromEntries(Object.entries(values).map(([k, v]) => [`/etc/${k}.conf`, { content: v }])) } },
    resources: { cfg: { type: 'configmap', params: { configData: values } } },
  });
  let rendered: { yaml: string; meant: K8sObject[] } | undefined;
  const once = () => {
    if (!rendered) {
      const { yaml, objects } = render(text);
      rendered = { yaml, meant: JSON.parse(JSON.stringify(objects)) as K8sObject[] };
    }
    return rendered;
  };

  it('the values are where they were meant to be, and none of those characters is written raw', () => {
    const { yaml, meant } = once();
    expect(at(findObject(meant, 'ConfigMap', 'shop-cfg'), 'data')).toEqual(values);
    const annotations = at(findObject(meant, 'Deployment'), 'spec', 'template', 'metadata', 'annotations') as Record<string, string>;
    expect(Object.fromEntries(Object.keys(values).map((k) => [k, annotations[`example.com/${k.toLowerCase()}`]]))).toEqual(values);
    const env = at(findObject(meant, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env') as Array<{ name: string; value: string }>;
    expect(Object.fromEntries(env.map((e) => [e.name.replace('_', '-'), e.value]))).toEqual(values);
    expect(JSON.stringify(meant)).toContain('"V-LS":"a\\nb\u2028');
    expect(yaml).not.toMatch(/[\u2028\u2029\u0085\u007f\u0080-\u009f\ufffe\ufeff]/);
  });

  it.skipIf(!libyamlAvailable)("libyaml reads back exactly the objects our reader does: no privileged container, no folded or lost character (skipped when python3's yaml.CSafeLoader is not installed)", () => {
    const { yaml, meant } = once();
    const [read] = readWithLibyaml([yaml]);
    expect(read).toEqual(meant);
    expect(JSON.stringify(read)).not.toContain('"privileged":true');
  });

  it("a cloud-secret name holding U+2028 is refused with its position (a secret name is never text a reader could split)", () => {
    const withName = score({ resources: { identity: { type: 'pod-identity' }, secrets: { type: 'cloud-secret', params: { name: `payments/shop/a\u2028${INJECT}` } } } });
    expect(renderError(withName)).toBe(
      `services/svc/score.yaml:${positionOf(withName, 'secrets')}: resources.secrets: provisioner 'cloud-secret' (outputs.yaml.njk): line 4, column 7: cloud-secret: name 'payments/shop/a\\u2028${INJECT}' may hold only letters, digits and / _ + = . @ - (no wildcards)`,
    );
  });
});

/** Issue 11, "Why" 5: a configData key named like a JavaScript internal is an ordinary key. */
describe('configData keys named like JavaScript internals', () => {
  it("keeps a configData key '__proto__' (it was silently dropped), next to the others", () => {
    // JSON.stringify drops an own __proto__ key of an object literal, so it is spliced into the text.
    const text = score({ resources: { cfg: { type: 'configmap', params: { configData: { A: 'x' } } } } }).replace('"A": "x"', '"__proto__": "p", "constructor": "c", "A": "x"');
    const { objects, yaml } = render(text);
    const data = at(findObject(objects, 'ConfigMap', 'shop-cfg'), 'data') as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['A', '__proto__', 'constructor']);
    expect([Object.hasOwn(data, '__proto__'), data['__proto__'], data['constructor']]).toEqual([true, 'p', 'c']);
    expect(yaml).toContain('data:\n  A: x\n  __proto__: p\n  constructor: c\n');
  });
});
