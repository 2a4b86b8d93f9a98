#!/usr/bin/env node
// Counts the x-kubernetes-validations rules of a CRD-schema folder and the functions and macros they call,
// to know which Kubernetes CEL libraries the workspace's schemas need. Usage: cel-functions.mjs <schemas/crds>
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: cel-functions.mjs <crd-schema-folder>\n');
  process.exit(1);
}
const files = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : f.endsWith('.json') ? [join(d, f)] : []));
const rules = [];
const walk = (n, file) => {
  if (Array.isArray(n)) return n.forEach((x) => walk(x, file));
  if (n === null || typeof n !== 'object') return;
  for (const r of n['x-kubernetes-validations'] ?? []) rules.push({ file, ...r });
  for (const v of Object.values(n)) walk(v, file);
};
for (const f of files(root).sort()) walk(JSON.parse(readFileSync(f, 'utf8')), f.slice(root.length + 1));
const calls = new Map();
for (const r of rules) {
  for (const m of r.rule.matchAll(/(\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = (m[1] ?? '') + m[2];
    calls.set(name, (calls.get(name) ?? 0) + 1);
  }
}
const perFile = new Map();
for (const r of rules) perFile.set(r.file, (perFile.get(r.file) ?? 0) + 1);
process.stdout.write(`${rules.length} rules in ${perFile.size} schemas\n`);
for (const [k, n] of [...perFile].sort()) process.stdout.write(`  ${k}: ${n}\n`);
process.stdout.write('calls (".f" = method):\n');
for (const [k, n] of [...calls].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) process.stdout.write(`  ${k}: ${n}\n`);
const fields = ['messageExpression', 'fieldPath', 'reason', 'optionalOldSelf'].map((f) => `${f}: ${rules.filter((r) => r[f] !== undefined).length}`);
process.stdout.write(`${fields.join(', ')}; transition rules (oldSelf): ${rules.filter((r) => /\boldSelf\b/.test(r.rule)).length}\n`);
