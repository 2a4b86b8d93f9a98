// Issue 11's CLI-reachable reproducers, run through a worktree's built CLI, one line of JSON each (exit code, the
// first lines of stderr, and what the output holds). Used to check that the holes existed before the fixes:
//   git worktree add --detach /tmp/before afa8b16 && (cd /tmp/before && npm ci)
//   node tools/audit/issue-11-repro.mjs /tmp/before   # and: node tools/audit/issue-11-repro.mjs .
// Needs python3 with PyYAML (yaml.CSafeLoader) for the YAML 1.1 read-backs. See docs/trust-boundary.md.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const wt = process.argv[2];
const BIN = join(wt, 'packages/cli/bin/score-nx.js');
const base = () => ({ apiVersion: 'score.dev/v1b1', metadata: { name: 'shop', engineNamespace: 'payments', level1System: 'checkout', repoSlug: 'MyOrg/shop' }, containers: { web: { image: 'nginx' } }, resources: {} });
function ws() {
  const root = mkdtempSync(join(tmpdir(), 'repro-'));
  cpSync(join(wt, 'environments'), join(root, 'environments'), { recursive: true });
  for (const f of readdirSync(join(root, 'environments'))) { const p = join(root, 'environments', f); writeFileSync(p, readFileSync(p, 'utf8').replace(/^provisioners: .*$/m, 'provisioners: workspace')); }
  cpSync(join(wt, 'provisioners'), join(root, 'provisioners'), { recursive: true, filter: (s) => !s.includes('node_modules') && !s.endsWith('.test.ts') });
  writeFileSync(join(root, 'nx.json'), '{}\n'); mkdirSync(join(root, 'services/svc'), { recursive: true });
  return root;
}
function run(id, score, { args = ['--env', 'dev', '-o', 'out.yaml'], env = {}, check } = {}) {
  const root = ws();
  writeFileSync(join(root, 'services/svc/score.yaml'), typeof score === 'string' ? score : JSON.stringify(score, null, 2));
  const r = spawnSync('node', [BIN, 'generate', 'services/svc', '-q', ...args], { cwd: root, encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  const out = existsSync(join(root, 'out.yaml')) ? readFileSync(join(root, 'out.yaml'), 'utf8') : '';
  let extra = '';
  try { extra = check ? check(out, root, r) : ''; } catch (e) { extra = 'check failed: ' + e.message; }
  console.log(JSON.stringify({ id, exit: r.status, signal: r.signal, stderr: (r.stderr || '').split('\n').slice(0, 2).join(' | ').slice(0, 220), extra }));
  rmSync(root, { recursive: true, force: true });
}
const libyaml = (text) => { const r = spawnSync('python3', ['-c', 'import sys,yaml,json; print(json.dumps(list(yaml.load_all(sys.stdin.read(), Loader=yaml.CSafeLoader))))'], { input: text, encoding: 'utf8' }); return r.status === 0 ? r.stdout : 'LIBYAML ERROR ' + r.stderr.split('\n').filter(Boolean).at(-1); };
const INJ = 'a\nb\u2028          securityContext: {privileged: true}';
const priv = (o) => { const l = libyaml(o); return l.startsWith('LIBYAML') ? l : `privileged for libyaml: ${l.includes('"privileged": true')}; raw U+2028 in output: ${o.includes('\u2028')}`; };
const s = (f) => { const d = base(); f(d); return d; };
run('2 U+2028 variables', s((d) => (d.containers.web.variables = { ZZZ: INJ })), { check: priv });
run('2 U+2028 configData', s((d) => (d.resources.cfg = { type: 'configmap', params: { configData: { ZZZ: INJ } } })), { check: priv });
run('2 U+2028 files.content', s((d) => (d.containers.web.files = { '/etc/x': { content: INJ } })), { check: priv });
run('2 U+2028 annotations', s((d) => (d.metadata.annotations = { 'example.com/note': INJ })), { check: priv });
for (const [n, c] of [['DEL', '\u007f'], ['C1', '\u0080'], ['U+FFFE', '\ufffe']]) run(`2 ${n} variables`, s((d) => (d.containers.web.variables = { A: `x${c}y` })), { check: (o) => libyaml(o).slice(0, 120) });
run('2 NEL variables', s((d) => (d.containers.web.variables = { A: 'a\nb\u0085c' })), { check: (o) => (libyaml(o).includes('"value": "a\\nb\\x85c"') || libyaml(o).includes('"a\\nb\\u0085c"') ? 'NEL kept' : 'NEL changed: ' + (libyaml(o).match(/"value": "a[^"]*"/) || [''])[0]) });
run('2 " \\n" variables', s((d) => (d.containers.web.variables = { A: ' \n' })), { check: (o) => (libyaml(o).includes('"value": " \\n"') ? 'kept' : 'changed: ' + (libyaml(o).match(/"name": "A", "value": "[^"]*"/) || libyaml(o).match(/"value": "[^"]*", "name": "A"/) || [''])[0]) });
run('3 externalSecretsRoleArn *', s((d) => { d.metadata.externalSecretsRoleArn = '*'; d.resources.identity = { type: 'pod-identity' }; }), { check: (o) => `output lines with *: ${o.split('\n').filter((l) => /["' ]\*["']?$/.test(l)).join(' / ').slice(0, 120)}` });
for (const k of ['awsAccountId', 'cluster', 'domain', 'publicGateway']) run(`3 metadata.${k}`, s((d) => { d.metadata[k] = 'ledger-api.example.com';  }), { check: (o) => `value in output: ${o.includes('ledger-api.example.com')}` });
run("4 cloud-secret name '*'", s((d) => { d.resources.identity = { type: 'pod-identity' }; d.resources.secrets = { type: 'cloud-secret', params: { name: '*' } }; }), { check: (o) => `secret:*: ${o.includes('secret:*')}` });
run('4 monitoring slackWebhookSecret.key', s((d) => { d.resources.deployment = { type: 'blue-green' }; d.service = { ports: { http: { port: 80, targetPort: 8080 } } }; d.resources.monitoring = { type: 'monitoring', params: { devTeamSlackChannel: 'team', slackWebhookSecret: { key: 'platform/prod/db-root' } } }; }), { check: (o) => `key in output: ${o.includes('platform/prod/db-root')}` });
run('4 engineNamespace kube-system', s((d) => (d.metadata.engineNamespace = 'kube-system')), { check: (o) => `namespace kube-system in output: ${o.includes('namespace: kube-system')}` });
run('4 hand-written marker', s((d) => (d.containers.web.variables = { STOLEN: '🔐💬ledger-api-db💬password💬🔐' })), { check: (o) => `secretKeyRef: ${o.includes('secretKeyRef')}` });
run('4 hand-written marker (1 part)', s((d) => (d.containers.web.variables = { STOLEN: '🔐💬ledger-api-db.password💬🔐' })), { check: (o) => `secretKeyRef: ${o.includes('secretKeyRef')}` });
for (const n of ['constructor', '__proto__', 'toString']) run(`5 volume \${resources.${n}}`, s((d) => (d.containers.web.volumes = { '/data': { source: `\${resources.${n}}` } })));
run('5 container constructor image .', s((d) => (d.containers = { constructor: { image: '.' } })));
run('5 configData key __proto__', JSON.stringify(s((d) => (d.resources.cfg = { type: 'configmap', params: { configData: { A: 'x' } } })), null, 2).replace('"A": "x"', '"__proto__": "p", "A": "x"'), { check: (o) => `__proto__ in output: ${o.includes('__proto__: p')}` });
run('5 blue-green container constructor', s((d) => { d.containers = { constructor: { image: 'registry.example.com/c:1' } }; d.service = { ports: { http: { port: 80, targetPort: 8080 } } }; d.resources.deployment = { type: 'blue-green' }; }));
for (const t of ['12345678901234567890123', '3.10', '1e400']) run(`7 configData ${t}`, JSON.stringify(s((d) => (d.resources.cfg = { type: 'configmap', params: { configData: { V: 'PLACE' } } })), null, 2).replace('"PLACE"', t), { check: (o) => `written as ${(o.match(/ V: (.*)/) || [])[1]}` });
run('7 NUL', s((d) => (d.containers.web.variables = { A: 'x\u0000' })), { check: (o) => `NUL in output: ${o.includes('\\0') || o.includes('\u0000') || o.includes('\\x00')}` });
run('8 -o score.yaml', base(), { args: ['-o', 'services/svc/score.yaml'], check: (_o, root) => `score.yaml now: ${readFileSync(join(root, 'services/svc/score.yaml'), 'utf8').slice(0, 20).replace(/\n/g, '\\n')}` });
run('8 cycle', s((d) => (d.resources = { two: { type: 'configmap', params: { configData: { A: '${resources.one.name}' } } }, one: { type: 'configmap', params: { configData: { B: '${resources.two.name}' } } } })));
run('8 ESC in message', s((d) => (d.containers = { 'a\u001b[31mb\nc': { image: 'nginx' } })), { check: (_o, _r, r) => `raw ESC: ${r.stderr.includes('\u001b')}, raw LF inside a message: ${/b\nc/.test(r.stderr)}` });
run('8 ARGOCD_ENV vs PARAM', base(), { args: ['-o', 'out.yaml'], env: { ARGOCD_ENV_ENVIRONMENT: 'dev', PARAM_ENVIRONMENT: 'prod' }, check: (o) => `rendered: ${o.length > 0}` });
