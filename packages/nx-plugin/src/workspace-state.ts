import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LIBRARY_DIR, libraryVersionFor, loadEnvironments, loadLibrarySettings, readReleases, scanServices, workspaceLibrary, workspaceSharing } from '@score-nx/engine';
import type { EnvironmentDefinition, LibraryPins, LibrarySettings, PlatformKeys, Release, ScanMemoOptions, ScannedService, Sharing } from '@score-nx/engine';
import { generatorFingerprint } from './plugin/fingerprint';

/**
 * Where the engine keeps its parses of the workspace's Score files and service configs between processes: the
 * task hasher (in the nx process) and the batch process each scan every service (`scan`), createNodes reads them
 * all again in every command without the daemon (`nodes`), and so does the next command. One file per reader,
 * since a memo keeps only what its last reader used. In Nx's workspace data folder, so that `nx reset` clears
 * it; salted with the engine and executors' fingerprint.
 */
export function scanMemo(root: string, reader: MemoReader = 'scan'): ScanMemoOptions {
  const data = resolve(root, process.env['NX_WORKSPACE_DATA_DIRECTORY'] ?? process.env['NX_PROJECT_GRAPH_CACHE_DIRECTORY'] ?? join('.nx', 'workspace-data'));
  const file = (r: MemoReader) => join(data, `score-nx-${r}.bin`);
  // Both readers keep the same parses (readScoreData, readLibraryPins): after `nx reset`, createNodes parses for
  // the hasher and the batch process of the same command.
  return { file: file(reader), salt: generatorFingerprint(), alsoRead: MEMO_READERS.filter((r) => r !== reader).map(file) };
}

type MemoReader = 'scan' | 'nodes';
const MEMO_READERS: readonly MemoReader[] = ['nodes', 'scan'];

/**
 * The workspace files outside a service folder that its renders read: environment definitions, the provisioner
 * library (the folder for `workspace`, a git tree for a release) and the releases file. Loaded lazily, once per
 * createNodes call or executor batch.
 */
export class WorkspaceState {
  private envs?: Map<string, EnvironmentDefinition>;
  private readonly envHashes = new Map<string, string>();
  private releases?: Map<string, Release>;
  private workspaceHash?: string;
  private settings?: LibrarySettings;
  private scanned?: Map<string, ScannedService>;
  private readonly sharings = new Map<string, Sharing>();

  constructor(readonly root: string) {}

  /**
   * The workload metadata keys the workspace's library declares for the platform's tools (library.yaml
   * `platformKeys`). A workspace without its own library folder (it renders only released libraries) has none.
   */
  platformKeys(): PlatformKeys {
    return this.librarySettings().platformKeys;
  }

  /** The library's defaults for workload metadata keys a Score file leaves out (library.yaml `workloadMetadata`). */
  metadataDefaults(): Record<string, string> {
    return this.librarySettings().metadataDefaults;
  }

  /** library.yaml, read once for both (listing the library folder and parsing the file are not free on a large tree). */
  private librarySettings(): LibrarySettings {
    this.settings ??= existsSync(join(this.root, LIBRARY_DIR)) ? loadLibrarySettings(workspaceLibrary(this.root)) : { platformKeys: {}, metadataDefaults: {} };
    return this.settings;
  }

  /** Every readable service of the workspace, by folder: each score.yaml and service-config.yaml read once. */
  services(): Map<string, ScannedService> {
    this.scanned ??= new Map(scanServices(this.root, scanMemo(this.root)).map((s) => [s.path, s]));
    return this.scanned;
  }

  /** What the services of an environment share, from the one scan (undefined: no such environment). */
  sharing(envName: string): Sharing | undefined {
    const env = this.environments().get(envName);
    if (!env) return undefined;
    let sharing = this.sharings.get(envName);
    if (!sharing) this.sharings.set(envName, (sharing = workspaceSharing(this.root, env, [...this.services().values()])));
    return sharing;
  }

  environments(): Map<string, EnvironmentDefinition> {
    this.envs ??= loadEnvironments(this.root);
    return this.envs;
  }

  environmentHash(name: string): string {
    let hash = this.envHashes.get(name);
    if (hash === undefined) {
      const env = this.environments().get(name);
      hash = env ? sha(readFileSync(join(this.root, env.file))) : 'undefined';
      this.envHashes.set(name, hash);
    }
    return hash;
  }

  /** Content hash of a library version: the engine's hash of provisioners/ for `workspace`, the release's tree id otherwise. */
  libraryHash(version: string): string {
    if (version === 'workspace') {
      this.workspaceHash ??= workspaceLibrary(this.root).contentHash;
      return this.workspaceHash;
    }
    this.releases ??= readReleases(this.root);
    const release = this.releases.get(version);
    // An unknown release makes the render fail; the executor reports the engine's message.
    return release ? release.tree : 'unreleased';
  }

  /** The library version a service uses in an environment (its service-config pin, else the environment's default). */
  libraryVersion(env: EnvironmentDefinition, config: LibraryPins | undefined): string {
    return libraryVersionFor(env, config);
  }

  /**
   * Everything outside the service folder that one render depends on, as one string: placed in the target's
   * options per configuration, so Nx hashes it, and checked again by the executor before it renders.
   */
  fingerprint(envName: string, config: LibraryPins | undefined): string {
    const env = this.environments().get(envName);
    if (!env) return `unknown-environment:${envName}`;
    let version: string;
    try {
      version = this.libraryVersion(env, config);
    } catch (err) {
      return `invalid-library-version:${sha((err as Error).message).slice(0, 12)}`;
    }
    let library: string;
    try {
      library = this.libraryHash(version);
    } catch (err) {
      library = `unreadable:${sha((err as Error).message).slice(0, 12)}`;
    }
    return `${version}@${library};env@${this.environmentHash(envName).slice(0, 16)}`;
  }
}

function sha(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
