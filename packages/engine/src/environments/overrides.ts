import { DocumentError, formatPath } from '../errors';
import type { DocPath, SourcePosition } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import type { ServiceConfig } from './service-config';

/**
 * Per-environment overrides of the Score file, from `service-config.yaml`:
 *
 *     environments:
 *       prod:
 *         overrides:
 *           containers.main.resources.limits.memory: 1Gi   # set (missing maps on the way are created)
 *           containers.main.variables.DEBUG: null          # delete
 *
 * The semantics are score-k8s's `--override-property`: a dotted path (`\.` is a dot inside a key, `\\` a
 * backslash), numbers index sequences (`-1` appends), a value replaces whatever is there. Two deliberate
 * differences: a delete is `null` (YAML has no "empty" flag value), and deleting something that is not there is
 * an error (a stale override should not pass unnoticed). The result goes through every check the Score file goes
 * through (upgrade, secret markers, the extended schema, platform-owned metadata, namespaces); an error at a path
 * an override wrote is placed at that override in `service-config.yaml`.
 */
export interface ScoreOverride {
  /** The key as written in service-config.yaml. */
  key: string;
  path: string[];
  /** Undefined for a delete. */
  value: unknown;
  /** The outermost path the override created (absent before it), for error placement. */
  created?: DocPath;
}

/** Splits an override key at dots; `\.` is a dot inside a segment and `\\` a backslash. */
export function parseOverridePath(key: string): string[] | undefined {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) current += key[++i]!;
    else if (c === '.') {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  return segments.some((s) => s === '') ? undefined : segments;
}

/**
 * Paths that decide a workload's identity, its namespace and the resources it shares with other services. The
 * workspace reads them from every Score file at once (sharing.ts, the Nx graph), so an override of one environment
 * could not change them consistently: they stay the Score file's. `*` matches any key.
 */
function guardedPaths(namespaceKey: string): string[][] {
  return [['metadata', 'name'], ['metadata', namespaceKey], ['resources', '*', 'type'], ['resources', '*', 'class'], ['resources', '*', 'id']];
}

const matches = (pattern: readonly string[], path: DocPath, length: number) => {
  for (let i = 0; i < length; i++) if (pattern[i] !== '*' && pattern[i] !== String(path[i])) return false;
  return true;
};

/** The overrides of one environment, parsed and checked (not yet applied). */
export function overridesFor(config: ServiceConfig | undefined, env: string, namespaceKey: string): ScoreOverride[] {
  const entries = config?.environments[env]?.overrides ?? {};
  const at = (key: string) => ['environments', env, 'overrides', key];
  return Object.entries(entries).map(([key, value]) => {
    const path = parseOverridePath(key);
    if (!path) throw config!.source.error(at(key), `override path '${key}' has an empty segment (write \\. for a dot inside a key)`);
    const guarded = guardedPaths(namespaceKey).find((g) => matches(g, path, Math.min(g.length, path.length)));
    if (guarded) {
      throw config!.source.error(at(key), `an override may not change ${guarded.join('.').replace('*', '<resource>')}: the workspace reads it from the Score file for every environment at once`);
    }
    return { key, path, value: value === null ? undefined : value };
  });
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Own-property write, so that a key such as `__proto__` stays a key. */
function setKey(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Applies the overrides in order to `data` (changed in place); each error names its override. */
export function applyOverrides(data: Record<string, unknown>, overrides: ScoreOverride[], config: ServiceConfig, env: string, scoreFile: string): void {
  for (const override of overrides) {
    const fail = (detail: string) => config.source.error(['environments', env, 'overrides', override.key], detail);
    let node: unknown = data;
    const walked: Array<string | number> = [];
    for (let i = 0; i < override.path.length; i++) {
      const segment = override.path[i]!;
      const last = i === override.path.length - 1;
      const here = formatPath([...walked, segment]);
      if (Array.isArray(node)) {
        const index = /^-?\d+$/.test(segment) ? Number(segment) : NaN;
        if (Number.isNaN(index)) throw fail(`'${formatPath(walked)}' is a sequence: '${segment}' is not an index`);
        const appends = last && index === -1 && override.value !== undefined;
        if (!appends && (index < 0 || index >= node.length)) throw fail(`'${formatPath(walked)}' has ${node.length} items: index ${index} is out of range`);
        if (last) {
          if (override.value === undefined) node.splice(index, 1);
          else if (appends) {
            override.created ??= [...walked, node.length];
            node.push(structuredClone(override.value));
          } else node[index] = structuredClone(override.value);
        }
        walked.push(appends ? node.length - 1 : index);
        node = node[index];
      } else if (isMapping(node)) {
        const exists = Object.hasOwn(node, segment);
        if (last) {
          if (override.value === undefined) {
            if (!exists) throw fail(`nothing to delete: ${scoreFile} has no ${here}`);
            delete node[segment];
          } else {
            if (!exists) override.created ??= [...walked, segment];
            setKey(node, segment, structuredClone(override.value));
          }
        } else if (!exists) {
          if (override.value === undefined) throw fail(`nothing to delete: ${scoreFile} has no ${here}`);
          override.created ??= [...walked, segment];
          setKey(node, segment, {});
        }
        walked.push(segment);
        node = node[segment];
      } else {
        throw fail(`'${formatPath(walked)}' is ${node === null ? 'null' : `a ${typeof node}`}: there is no '${segment}' inside it`);
      }
    }
  }
}

const startsWith = (path: DocPath, prefix: DocPath) => prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));

/**
 * The override an error at `path` of the overridden document is due to: the last one that wrote `path` or a value
 * around it, that created something on the way to it, or that deleted something under it. Undefined when the
 * culprit is the Score file's own text.
 */
export function overrideBehind(path: DocPath, overrides: readonly ScoreOverride[]): ScoreOverride | undefined {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (startsWith(path, o.path)) return o;
    if (o.created && startsWith(path, o.created)) return o;
    if (o.value === undefined && startsWith(o.path, path)) return o;
  }
  return undefined;
}

/**
 * The Score file's source with the overrides applied: `data` is the overridden document, and a position at a path
 * an override is behind lies in service-config.yaml (at the override's key), so every later error lands there.
 */
export function overlaySource(source: YamlSource, overrides: ScoreOverride[], config: ServiceConfig | undefined, env: string): YamlSource {
  if (overrides.length === 0 || !config) return source;
  const data = structuredClone(source.data);
  applyOverrides(data, overrides, config, env, source.file);
  const locate = (path: DocPath): SourcePosition => {
    const override = overrideBehind(path, overrides);
    if (!override) return source.locate(path);
    return { ...config.source.locate(['environments', env, 'overrides', override.key]), file: config.file };
  };
  return {
    file: source.file,
    data,
    locate,
    error: (path, detail) => {
      const position = locate(path);
      return new DocumentError(path, detail, position.file ?? source.file, position);
    },
  };
}
