import { DocumentError, throwCollected } from '../errors';
import { readDocumentText } from '../util/files';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
import { placeholderShapeErrors } from './placeholders';
import { createScoreValidator } from './score-schema';
import type { ScoreSchemaError } from './score-schema';
import type { ScoreWorkload } from './types';
import { upgradeDeprecatedForms } from './upgrade';
import { containsSecretRef } from '../convert/secrets';
import type { DocPath } from '../errors';

export interface LoadedScore {
  /** The file as named in messages. */
  file: string;
  /** Absolute path of the file on disk. */
  absolutePath: string;
  source: YamlSource;
  workload: ScoreWorkload;
  /** What the upgrade of deprecated forms changed, for the log. */
  upgrades: string[];
}

/**
 * Runs a phase over a loaded Score file: a DocumentError it throws (a path in the workload) is placed in the file,
 * as `file:line:col: path: message`.
 */
export function inScoreFile<T>(score: LoadedScore, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof DocumentError) throw err.inFile(score.file, score.source.locate);
    throw err;
  }
}

/** A schema validator for the workload, base Score or extended with the platform's params (see schema.ts). */
export type WorkloadValidator = (doc: unknown) => ScoreSchemaError[];

let baseValidator: WorkloadValidator | undefined;

/** Replaces the parsed document before any check (the service config's overrides; see environments/overrides.ts). */
export type ScoreOverlay = (source: YamlSource) => YamlSource;

/** The positioned parse of a Score file's text (`file`: its name in messages). Never mutated by its users. */
export type ScoreParser = (file: string, text: string) => YamlSource;

export const parseScoreSource: ScoreParser = (file, text) => parseYamlMapping(file, text, 'Score file', { exactNumbers: true });

/**
 * `serviceDir`: the Score file must stay inside it, symlinks resolved (the service's own files only).
 * `parse`: the YAML parse, shared by the renders of a service's environments (GenerateCache.scoreSource).
 */
export function loadScoreFile(absolutePath: string, displayName: string, validate?: WorkloadValidator, serviceDir?: string, overlay?: ScoreOverlay, parse: ScoreParser = parseScoreSource): LoadedScore {
  const text = readDocumentText(absolutePath, displayName, 'Score file', serviceDir);
  return parseScore(text, absolutePath, displayName, validate, overlay, parse);
}

export function parseScore(text: string, absolutePath: string, displayName: string, validate?: WorkloadValidator, overlay?: ScoreOverlay, parse: ScoreParser = parseScoreSource): LoadedScore {
  // Every phase below works on a clone of the data (and an overlay makes its own): the parse is never changed.
  const parsed = parse(displayName, text);
  const source = overlay ? overlay(parsed) : parsed;
  const data = structuredClone(source.data);
  let upgrades: string[];
  try {
    upgrades = upgradeDeprecatedForms(data);
  } catch (err) {
    if (err instanceof DocumentError) throw err.inFile(displayName, source.locate);
    throw err;
  }
  // Secret references reach the workload only as markers that provisioner outputs produce: one written by hand
  // would become a secretKeyRef to any Secret of the namespace.
  const marker = findSecretMarker(data, []);
  if (marker) throw source.error(marker, 'a secret-reference marker (🔐💬…💬🔐) is reserved for provisioner outputs; reference a secret through a resource output instead');
  const check = validate ?? (baseValidator ??= createScoreValidator());
  // Every mistake of the file at once, in file order: the schema's and the placeholders' that need no render.
  const errors = [...check(data), ...placeholderErrors(data)];
  throwCollected(errors.map((e) => source.error(e.path, e.message)));
  return { file: displayName, absolutePath, source, workload: data as unknown as ScoreWorkload, upgrades };
}

/** The strings the render substitutes: variables, expanded file contents, volume sources and resource params. */
function placeholderErrors(data: Record<string, unknown>): Array<{ path: DocPath; message: string }> {
  const resources = asMap(data['resources']);
  const resourceNames = Object.keys(resources);
  const errors = Object.entries(resources).flatMap(([name, resource]) => placeholderShapeErrors(asMap(resource)['params'], resourceNames, ['resources', name, 'params']));
  for (const [containerName, raw] of Object.entries(asMap(data['containers']))) {
    const container = asMap(raw);
    const at: DocPath = ['containers', containerName];
    errors.push(...placeholderShapeErrors(container['variables'], resourceNames, [...at, 'variables']));
    for (const [target, file] of Object.entries(asMap(container['files']))) {
      const { content, noExpand } = asMap(file);
      if (noExpand !== true) errors.push(...placeholderShapeErrors(content, resourceNames, [...at, 'files', target, 'content']));
    }
    for (const [target, volume] of Object.entries(asMap(container['volumes']))) {
      errors.push(...placeholderShapeErrors(asMap(volume)['source'], resourceNames, [...at, 'volumes', target, 'source']));
    }
  }
  return errors;
}

function asMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The path of the first key or string value holding a secret-reference marker. */
function findSecretMarker(value: unknown, path: DocPath): DocPath | undefined {
  if (typeof value === 'string') return containsSecretRef(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSecretMarker(value[i], [...path, i]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (containsSecretRef(k)) return [...path, k];
      const found = findSecretMarker(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}
