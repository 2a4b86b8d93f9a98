import { DocumentError } from '../errors';
import { readDocumentText } from '../util/files';
import { parseYamlMapping } from '../util/yaml-source';
import type { YamlSource } from '../util/yaml-source';
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

/** A schema validator for the workload, base Score or extended with the platform's params (see schema.ts). */
export type WorkloadValidator = (doc: unknown) => ScoreSchemaError[];

let baseValidator: WorkloadValidator | undefined;

/** Replaces the parsed document before any check (the service config's overrides; see environments/overrides.ts). */
export type ScoreOverlay = (source: YamlSource) => YamlSource;

/** `serviceDir`: the Score file must stay inside it, symlinks resolved (the service's own files only). */
export function loadScoreFile(absolutePath: string, displayName: string, validate?: WorkloadValidator, serviceDir?: string, overlay?: ScoreOverlay): LoadedScore {
  const text = readDocumentText(absolutePath, displayName, 'Score file', serviceDir);
  return parseScore(text, absolutePath, displayName, validate, overlay);
}

export function parseScore(text: string, absolutePath: string, displayName: string, validate?: WorkloadValidator, overlay?: ScoreOverlay): LoadedScore {
  const parsed = parseYamlMapping(displayName, text, 'Score file', { exactNumbers: true });
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
  const errors = check(data);
  if (errors.length > 0) {
    const first = errors[0]!;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more ${errors.length === 2 ? 'error' : 'errors'})` : '';
    throw source.error(first.path, `${first.message}${more}`);
  }
  return { file: displayName, absolutePath, source, workload: data as unknown as ScoreWorkload, upgrades };
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
