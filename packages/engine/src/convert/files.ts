import { posix } from 'node:path';
import { DocumentError } from '../errors';
import type { DocPath } from '../errors';
import type { K8sMetadata, K8sObject } from '../k8s';
import type { ScoreContainer, ScoreFile } from '../score/types';
import { byCodeUnit } from '../util/compare';
import { shortHash } from '../util/hash';
import { containsSecretRef, decodeSecretRefs } from './secrets';
import { substituteAt } from './substitute';
import type { Resolver } from './substitute';

interface FileVolume {
  target: string;
  dir: string;
  volume: Record<string, unknown>;
  /** The projection of this file, for when several files share a directory. */
  projection: Record<string, unknown>;
}

export interface FilesInput {
  container: ScoreContainer;
  containerName: string;
  workloadName: string;
  resolve: Resolver;
  /** Reads a `files.*.source` (already checked to stay inside the service folder). */
  readSource: (source: string, path: DocPath) => Buffer;
  /** The metadata of an object the conversion makes (a ConfigMap of file content). */
  meta: (name: string) => K8sMetadata;
  /** Mount paths the container's volumes already use: a file folder there is an error. */
  takenMountPaths: ReadonlySet<string>;
  /** Where the container is in score.yaml. */
  path: DocPath;
}

/** What a container's `files` become: its mounts, pod volumes, and the ConfigMaps that carry non-secret content. */
export interface ConvertedFiles {
  mounts: Record<string, unknown>[];
  volumes: Record<string, unknown>[];
  configMaps: K8sObject[];
}

/**
 * A container's `files`: content in a ConfigMap (text as `data`, other bytes as `binaryData`) or, when it is one
 * secret reference, from that Secret; files of one folder share one (projected) volume.
 */
export function convertFiles(input: FilesInput): ConvertedFiles {
  const { container, containerName, workloadName, resolve, meta, path } = input;
  const out: ConvertedFiles = { mounts: [], volumes: [], configMaps: [] };
  const files = container.files ?? {};
  const fileVolumes: FileVolume[] = [];
  for (const target of Object.keys(files).sort(byCodeUnit)) {
    const file = files[target]!;
    const filePath: DocPath = [...path, 'files', target];
    const h = shortHash([containerName, target]);
    const mode = parseMode(file, filePath);
    const item = { path: posix.basename(target), ...(mode !== undefined ? { mode } : {}) };
    const content = fileContent(file, input.readSource, resolve, filePath);
    const dir = posix.dirname(target);
    if (typeof content === 'string' && containsSecretRef(content)) {
      const parts = decodeSecretRefs(content);
      const ref = parts.length === 1 ? parts[0] : undefined;
      if (ref === undefined || typeof ref === 'string') {
        const field = file.content !== undefined ? 'content' : 'source';
        throw new DocumentError([...filePath, field], 'contained a mix of secret references and raw content');
      }
      const items = [{ key: ref.key, ...item }];
      fileVolumes.push({
        target,
        dir,
        volume: { name: `file-${h}`, secret: { secretName: ref.name, items } },
        projection: { secret: { name: ref.name, items } },
      });
      continue;
    }
    const configMapName = `${workloadName}-${containerName}-file-${h}`;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const text = typeof content === 'string' ? content : textOrUndefined(bytes);
    out.configMaps.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...meta(configMapName) },
      ...(text !== undefined ? { data: { file: text } } : { binaryData: { file: bytes.toString('base64') } }),
    });
    const items = [{ key: 'file', ...item }];
    fileVolumes.push({
      target,
      dir,
      volume: { name: `file-${h}`, configMap: { name: configMapName, items } },
      projection: { configMap: { name: configMapName, items } },
    });
  }
  // Files that land in one directory are projected into one volume: two volumes cannot mount at one path.
  const byDir = new Map<string, FileVolume[]>();
  for (const fv of fileVolumes) byDir.set(fv.dir, [...(byDir.get(fv.dir) ?? []), fv]);
  for (const dir of [...byDir.keys()].sort(byCodeUnit)) {
    const group = byDir.get(dir)!;
    // Two mounts at one path make an invalid pod: a volume mounted where files need their folder.
    if (input.takenMountPaths.has(dir)) {
      throw new DocumentError([...path, 'files', group[0]!.target], `its folder '${dir}' is already the mount path of a volume`);
    }
    if (group.length === 1) {
      const { volume } = group[0]!;
      out.volumes.push(volume);
      out.mounts.push({ name: volume['name'], mountPath: dir, readOnly: true });
    } else {
      const name = `proj-${shortHash([containerName, dir])}`;
      out.volumes.push({ name, projected: { sources: group.map((g) => g.projection) } });
      out.mounts.push({ name, mountPath: dir, readOnly: true });
    }
  }
  return out;
}

function fileContent(file: ScoreFile, readSource: FilesInput['readSource'], resolve: Resolver, path: DocPath): string | Buffer {
  if (file.binaryContent !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(file.binaryContent.replace(/\s+/g, ''))) {
      throw new DocumentError([...path, 'binaryContent'], 'is not valid standard base64');
    }
    return Buffer.from(file.binaryContent, 'base64');
  }
  let text: string;
  if (file.content !== undefined) {
    text = file.content;
  } else if (file.source !== undefined) {
    const bytes = readSource(file.source, [...path, 'source']);
    if (file.noExpand) return bytes;
    const decoded = utf8OrUndefined(bytes);
    if (decoded === undefined) {
      throw new DocumentError([...path, 'source'], 'source content contains non-utf8 bytes; set noExpand: true or use binaryContent');
    }
    text = decoded;
  } else {
    throw new DocumentError(path, "missing 'content', 'binaryContent' or 'source'");
  }
  if (file.noExpand) return text;
  return substituteAt(text, resolve, [...path, file.content !== undefined ? 'content' : 'source']);
}

/** Bytes as text when they are UTF-8 without control characters (other than tab and line breaks): data, not binaryData. */
function textOrUndefined(bytes: Buffer): string | undefined {
  const text = utf8OrUndefined(bytes);
  // eslint-disable-next-line no-control-regex
  return text === undefined || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseMode(file: ScoreFile, path: DocPath): number | undefined {
  if (file.mode === undefined) return undefined;
  // Kubernetes accepts item modes up to 0777 only (no setuid/setgid/sticky bits).
  if (!/^0?[0-7]{3}$/.test(file.mode)) {
    throw new DocumentError([...path, 'mode'], `failed to parse '${file.mode}': expected an octal file mode such as 0644`);
  }
  return parseInt(file.mode, 8);
}
