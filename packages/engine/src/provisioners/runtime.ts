import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { isMap, parseAllDocuments, parseDocument } from 'yaml';
import type { K8sObject } from '../k8s';
import { DocumentError, UserError } from '../errors';
import type { DocPath } from '../errors';
import { substituteDeep, workloadResolver } from '../score/placeholders';
import { didYouMean } from '../util/did-you-mean';
import type { ScoreResource } from '../score/types';
import { matchProvisioner } from './library';
import { describeSchemaError, errorPath, primaryError } from '../schema-errors';
import type { Library, ProvisionerDefinition } from './library';
import { createTemplateEnvironment } from './template-env';
import type { TemplateEnvironment } from './template-env';
import { templateContext } from './context';
import type { RenderContext, ResourceFacts, TemplateContext } from './context';
import { compiledOnFirstUse } from '../util/lazy-validator';

/** One resource of the workload, after provisioning. */
export interface ProvisionedResourceState extends ResourceFacts {
  provisioner: ProvisionerDefinition;
  outputs: Record<string, unknown>;
  /** Contributions to the workload's pod template (service account, envFrom, annotations...). */
  workloadPatch: WorkloadPatch;
  /** Manifests from a command provisioner (template provisioners render theirs once the pod template is final). */
  commandManifests?: K8sObject[];
}

export interface WorkloadPatch {
  serviceAccountName?: string;
  envFrom?: unknown[];
  env?: Array<{ name: string; [k: string]: unknown }>;
  podAnnotations?: Record<string, string>;
  podLabels?: Record<string, string>;
  volumes?: Array<{ name: string; [k: string]: unknown }>;
  volumeMounts?: unknown[];
}

const PATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    serviceAccountName: { type: 'string', minLength: 1 },
    envFrom: { type: 'array', items: { type: 'object' } },
    env: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    podAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
    podLabels: { type: 'object', additionalProperties: { type: 'string' } },
    volumes: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    volumeMounts: { type: 'array', items: { type: 'object' } },
  },
} as const;

const COMMAND_OUTPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    outputs: { type: 'object' },
    manifests: { type: 'array', items: { type: 'object' } },
    workload: PATCH_SCHEMA,
  },
} as const;

// verbose: the schema of a failed oneOf, to name its alternatives.
const ajv = new Ajv2020({ strict: false, allErrors: false, useDefaults: true, verbose: true });
const validatePatch = compiledOnFirstUse(() => ajv.compile(PATCH_SCHEMA));
const validateCommandOutput = compiledOnFirstUse(() => ajv.compile(COMMAND_OUTPUT_SCHEMA));
const paramValidators = new WeakMap<ProvisionerDefinition, ValidateFunction>();
/** One environment per provisioner definition: its templates are compiled once per process, not per resource. */
const templateEnvironments = new WeakMap<ProvisionerDefinition, TemplateEnvironment>();

export function resourceUid(workload: string, name: string, r: ScoreResource): string {
  const klass = r.class ?? 'default';
  return r.id !== undefined ? `${r.type}.${klass}#${r.id}` : `${r.type}.${klass}#${workload}.${name}`;
}

/** One resource to provision: its declaration, and what the resources before it produced. */
export interface ProvisionResourceInput {
  library: Library;
  /** The resource's name in score.yaml. */
  name: string;
  declared: ScoreResource;
  uid: string;
  /** Metadata visible to `${metadata.*}` in params. */
  placeholderMetadata: Record<string, unknown>;
  /**
   * The outputs of the resources provisioned before this one, by name (they resolve `${resources.*}` in params); kept
   * by the caller, which adds each in turn, so that provisioning stays linear in the number of resources.
   */
  outputsByName: Readonly<Record<string, Record<string, unknown>>>;
  /** The context every template of the render sees, before resources are added. */
  baseContext: RenderContext;
}

/** Phase 1, per resource in provisioning order: params, validation, outputs and the workload patch. */
export function provisionResource(input: ProvisionResourceInput): ProvisionedResourceState {
  const { library, name, declared, uid, placeholderMetadata, outputsByName, baseContext } = input;
  const klass = declared.class ?? 'default';
  const at: DocPath = ['resources', name];
  const environment = String(baseContext.environment['name']);
  let provisioner: ProvisionerDefinition | undefined;
  try {
    provisioner = matchProvisioner(library, declared.type, klass, declared.id, environment);
  } catch (err) {
    if (err instanceof UserError) throw new DocumentError([...at, 'type'], err.message);
    throw err;
  }
  if (!provisioner) {
    const types = [...new Set(library.provisioners.map((p) => p.type))].sort();
    const restricted = library.provisioners.some((p) => p.type === declared.type && p.environments !== undefined);
    throw new DocumentError([...at, 'type'], `no provisioner for type '${declared.type}'${declared.class ? ` class '${declared.class}'` : ''}${declared.id ? ` id '${declared.id}'` : ''}${restricted ? ` in environment '${environment}'` : ''} in library ${library.source.version} (types: ${types.join(', ')})`);
  }
  const resolve = workloadResolver({ metadata: placeholderMetadata, resources: outputsByName });
  const params = substituteDeep(structuredClone(declared.params ?? {}), resolve, [...at, 'params']) as Record<string, unknown>;
  validateParams(provisioner, params, [...at, 'params']);
  const facts: ResourceFacts = { name, uid, type: declared.type, class: klass, ...(declared.id ? { id: declared.id } : {}), params, metadata: declared.metadata ?? {} };
  const context = templateContext(baseContext, facts, outputsByName);

  if (provisioner.command) {
    const out = runCommand(library, provisioner, name, context);
    return { ...facts, provisioner, outputs: out.outputs, workloadPatch: out.workload, commandManifests: out.manifests };
  }
  const outputs = provisioner.templates?.outputs ? renderMapping(provisioner, provisioner.templates.outputs, context, name) : {};
  checkPromisedOutputs(provisioner, outputs, name);
  let workloadPatch: WorkloadPatch = {};
  if (provisioner.templates?.workload) {
    // The workload patch sees the resource's own outputs (a name computed once, in outputs.yaml.njk).
    workloadPatch = renderMapping(provisioner, provisioner.templates.workload, templateContext(baseContext, facts, outputsByName, outputs), name) as WorkloadPatch;
    checkPatch(provisioner, workloadPatch, name);
  }
  return { ...facts, provisioner, outputs, workloadPatch };
}

/** Phase 3: the manifests of a template provisioner, with the final pod template in the context. */
export function renderResourceManifests(state: ProvisionedResourceState, context: TemplateContext): K8sObject[] {
  if (state.commandManifests) return state.commandManifests;
  const file = state.provisioner.templates?.manifests;
  if (!file) return [];
  const text = renderTemplate(state.provisioner, file, context, state.name);
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const objects: K8sObject[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) throw renderedYamlError(state.provisioner, file, state.name, text, doc.errors[0]!.message);
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) throw atResource(state.name, `${where(state.provisioner, file)}: every manifest must be a YAML mapping`);
    objects.push(checkManifest(doc.toJS({ maxAliasCount: 100 }), state.provisioner, file, state.name));
  }
  return objects;
}

/** The provisioner and template an error comes from, for its detail. */
function where(p: ProvisionerDefinition, file: string): string {
  return `provisioner '${p.folder}' (${file})`;
}

/**
 * A provisioner-phase error, placed at the resource in score.yaml (generateService adds the file and position);
 * the template and its line and column are in the detail.
 */
function atResource(resourceName: string, detail: string): DocumentError {
  return new DocumentError(['resources', resourceName], detail);
}

function renderTemplate(p: ProvisionerDefinition, file: string, context: TemplateContext, resourceName: string): string {
  let env = templateEnvironments.get(p);
  if (!env) {
    env = createTemplateEnvironment(p.templateSources);
    templateEnvironments.set(p, env);
  }
  try {
    return env.render(file, context as unknown as object);
  } catch (err) {
    throw atResource(resourceName, `${where(p, file)}: ${describeTemplateError((err as Error).message)}`);
  }
}

/**
 * Nunjucks messages repeat the template name and wrap errors in layers ("(t.njk) Template render error: (t.njk)
 * [Line 3, Column 5] Error: ..."); keep the innermost position and the message: `line 3, column 5: ...`.
 */
export function describeTemplateError(raw: string): string {
  const flat = raw.replace(/\s*\n\s*/g, ' ').trim();
  const position = [...flat.matchAll(/\[Line (\d+), Column (\d+)\]/g)].pop();
  const message = flat
    .replace(/\((?:unknown path|[^()\s]+\.njk)\)\s*/g, '')
    .replace(/Template render error:\s*/g, '')
    .replace(/\[Line \d+, Column \d+\]\s*/g, '')
    .replace(/^(?:Error:\s*)+/, '')
    .trim();
  return position ? `line ${position[1]}, column ${position[2]}: ${message}` : message;
}

function renderMapping(p: ProvisionerDefinition, file: string, context: TemplateContext, resourceName: string): Record<string, unknown> {
  const text = renderTemplate(p, file, context, resourceName);
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw renderedYamlError(p, file, resourceName, text, doc.errors[0]!.message);
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) throw atResource(resourceName, `${where(p, file)}: must render a YAML mapping`);
  return doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
}

function renderedYamlError(p: ProvisionerDefinition, file: string, resourceName: string, _text: string, message: string): UserError {
  // Values are always emitted as one scalar, so a YAML error here is a template bug, not a Score value.
  return atResource(resourceName, `${where(p, file)}: rendered invalid YAML: ${message.split('\n')[0]}`);
}

function checkManifest(value: unknown, p: ProvisionerDefinition, file: string, resourceName: string): K8sObject {
  const o = value as Record<string, unknown>;
  const meta = o['metadata'] as Record<string, unknown> | undefined;
  if (typeof o['apiVersion'] !== 'string' || typeof o['kind'] !== 'string' || !meta || typeof meta['name'] !== 'string') {
    throw atResource(resourceName, `${where(p, file)}: every manifest needs apiVersion, kind and metadata.name strings`);
  }
  return o as K8sObject;
}

function validateParams(p: ProvisionerDefinition, params: Record<string, unknown>, at: DocPath): void {
  let validate = paramValidators.get(p);
  if (!validate) {
    validate = ajv.compile(p.params);
    paramValidators.set(p, validate);
  }
  if (validate(params)) return;
  const e = primaryError(validate.errors!);
  const path = [...at, ...errorPath(e, true)];
  throw new DocumentError(path, e.keyword === 'required' ? `missing required param (provisioner '${p.folder}')` : e.keyword === 'additionalProperties' ? `unknown param${didYouMean(String(e.params['additionalProperty']), Object.keys((p.params['properties'] as object) ?? {}))} (provisioner '${p.folder}' accepts: ${Object.keys((p.params['properties'] as object) ?? {}).join(', ') || 'none'})` : describeSchemaError(e));
}

function checkPromisedOutputs(p: ProvisionerDefinition, outputs: Record<string, unknown>, resourceName: string): void {
  const missing = p.outputs.filter((o) => !(o in outputs));
  if (missing.length > 0) throw atResource(resourceName, `provisioner '${p.folder}' promises output '${missing[0]}' but did not produce it`);
}

function checkPatch(p: ProvisionerDefinition, patch: unknown, resourceName: string): void {
  if (!validatePatch(patch)) {
    const e = primaryError(validatePatch.errors!);
    throw atResource(resourceName, `provisioner '${p.folder}' returned an invalid workload patch at '${e.instancePath || '/'}': ${describeSchemaError(e)}`);
  }
}

/** The JSON a command provisioner receives on stdin (documented in docs/provisioners.md). */
export const COMMAND_INPUT_API_VERSION = 'score-nx.dev/provisioner-input/v1';

function runCommand(library: Library, p: ProvisionerDefinition, resourceName: string, context: TemplateContext): { outputs: Record<string, unknown>; manifests: K8sObject[]; workload: WorkloadPatch } {
  const label = `command provisioner '${p.folder}'`;
  const [program, ...args] = p.command!;
  const folder = join(library.source.materialize(), p.folder);
  const executable = program!.startsWith('./') ? join(folder, program!) : program!;
  const input = JSON.stringify({ apiVersion: COMMAND_INPUT_API_VERSION, ...context });
  // A command sees only PATH: its output must depend on its input alone.
  const result = spawnSync(executable, args, {
    cwd: folder,
    input,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw atResource(resourceName, `${label}: cannot run '${program}': ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}`);
  if (result.status !== 0) {
    const stderr = (result.stderr ?? '').trim().split('\n').slice(-5).join(' | ');
    throw atResource(resourceName, `${label}: exited with ${result.status === null ? `signal ${result.signal}` : `status ${result.status}`}${stderr ? `: ${stderr}` : ''}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch (err) {
    throw atResource(resourceName, `${label}: printed invalid JSON: ${(err as Error).message}`);
  }
  if (!validateCommandOutput(parsed)) {
    const e = primaryError(validateCommandOutput.errors!);
    const path = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params['additionalProperty'])}` : e.instancePath || '/';
    throw atResource(resourceName, `${label}: invalid output at '${path}': ${describeSchemaError(e)} (expected {outputs, manifests, workload})`);
  }
  const out = parsed as { outputs?: Record<string, unknown>; manifests?: unknown[]; workload?: WorkloadPatch };
  const outputs = out.outputs ?? {};
  checkPromisedOutputs(p, outputs, resourceName);
  const manifests = (out.manifests ?? []).map((m) => checkManifest(m, p, 'command output', resourceName));
  return { outputs, manifests, workload: out.workload ?? {} };
}

/** Applies the workload patches of all resources, in provisioning order, to a converted pod template. */
export function applyWorkloadPatches(
  podTemplate: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: Record<string, unknown> },
  states: readonly ProvisionedResourceState[],
): void {
  const spec = podTemplate.spec;
  const containers = spec['containers'] as Array<Record<string, unknown>>;
  // Lists are appended to in place and variable names kept in a set per container: copying them for each
  // resource made the render quadratic in the number of resources.
  const listOf = (owner: Record<string, unknown>, key: string): unknown[] => {
    if (!Array.isArray(owner[key])) owner[key] = [];
    return owner[key] as unknown[];
  };
  const envNames = new Map(containers.map((c) => [c, new Set(((c['env'] as Array<{ name: string }>) ?? []).map((e) => e.name))]));
  let serviceAccountFrom: string | undefined;
  for (const s of states) {
    const patch = s.workloadPatch;
    const by = `resources.${s.name}`;
    const fail = (detail: string) => atResource(s.name, detail);
    if (patch.serviceAccountName !== undefined) {
      if (serviceAccountFrom && spec['serviceAccountName'] !== patch.serviceAccountName) {
        throw fail(`sets the service account to '${patch.serviceAccountName}', but ${serviceAccountFrom} already set '${String(spec['serviceAccountName'])}'`);
      }
      spec['serviceAccountName'] = patch.serviceAccountName;
      serviceAccountFrom = by;
    }
    Object.assign(podTemplate.metadata.annotations, patch.podAnnotations ?? {});
    Object.assign(podTemplate.metadata.labels, patch.podLabels ?? {});
    if (patch.volumes?.length) appendAll(listOf(spec, 'volumes'), patch.volumes);
    for (const c of containers) {
      if (patch.envFrom?.length) appendAll(listOf(c, 'envFrom'), patch.envFrom);
      if (patch.env?.length) {
        const existing = envNames.get(c)!;
        for (const e of patch.env) {
          if (existing.has(e.name)) throw fail(`adds the variable '${e.name}', which container '${String(c['name'])}' already defines`);
        }
        for (const e of patch.env) existing.add(e.name);
        appendAll(listOf(c, 'env'), patch.env);
      }
      if (patch.volumeMounts?.length) appendAll(listOf(c, 'volumeMounts'), patch.volumeMounts);
    }
  }
  const names = new Set<string>();
  for (const v of (spec['volumes'] as Array<{ name: string }>) ?? []) {
    if (names.has(v.name)) throw new UserError(`two resources add a pod volume named '${v.name}'`);
    names.add(v.name);
  }
}

/** Appends without spreading (a spread of thousands of items can overflow the stack). */
function appendAll(list: unknown[], items: readonly unknown[]): void {
  for (const item of items) list.push(item);
}
