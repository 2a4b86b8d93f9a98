import type { EnvironmentDefinition } from '../environments/environments';
import { loadEnvironments } from '../environments/environments';
import { loadLibrary, releasedLibrary, workspaceLibrary } from '../provisioners/library';
import type { Library, LibrarySource } from '../provisioners/library';
import type { ScannedService, Sharing } from '../sharing';
import type { ScanMemoOptions } from '../scan-memo';
import { scanServices, workspaceSharing } from '../sharing';
import type { ResolvedEnvironment } from '../environments/environments';
import { parseScoreSource } from '../score/load-score';
import type { ScoreParser } from '../score/load-score';
import type { YamlSource } from '../util/yaml-source';

/** Score files whose parse a GenerateCache keeps: more than the environments a service is rendered to in a row. */
const RECENT_SCORES = 8;

/** What renders of one process share (batch mode): loaded libraries, environments and sharing facts. */
export class GenerateCache {
  readonly sources = new Map<string, LibrarySource>();
  readonly libraries = new Map<string, Library>();
  /** What services of an environment share, by environment name. */
  readonly sharing = new Map<string, Sharing>();
  /** The workspace's services, read once for the sharing of every environment. */
  services?: ScannedService[];
  environments?: Map<string, EnvironmentDefinition>;

  /** The last Score files parsed, by name and text (see scoreSource). */
  private readonly recentScores = new Map<string, YamlSource>();

  /** `scanMemo`: where the scan of the workspace's services may keep its parses for other processes (scanServices). */
  constructor(readonly scanMemo?: ScanMemoOptions) {}

  /**
   * The positioned parse of a Score file, shared by the renders of its environments: a batch (and the CLI) renders
   * a service's environments one after the other, and parsing was a sixth of a render. Only the last few files are
   * kept (a parse holds the whole YAML document), keyed by name and exact text, so an edit is parsed again.
   */
  readonly scoreSource: ScoreParser = (file, text) => {
    const key = `${file}\0${text}`;
    let source = this.recentScores.get(key);
    if (!source) {
      source = parseScoreSource(file, text);
      this.recentScores.set(key, source);
      if (this.recentScores.size > RECENT_SCORES) this.recentScores.delete(this.recentScores.keys().next().value!);
    }
    return source;
  };

  /** Removes temp folders of extracted releases (command provisioners). */
  dispose(): void {
    for (const source of this.sources.values()) source.dispose();
  }
}

export function cachedEnvironments(cache: GenerateCache, root: string): Map<string, EnvironmentDefinition> {
  cache.environments ??= loadEnvironments(root);
  return cache.environments;
}

export function cachedSharing(cache: GenerateCache, root: string, env: ResolvedEnvironment): Sharing {
  let sharing = cache.sharing.get(env.name);
  if (!sharing) {
    cache.services ??= scanServices(root, cache.scanMemo);
    sharing = workspaceSharing(root, env, cache.services);
    cache.sharing.set(env.name, sharing);
  }
  return sharing;
}

export function loadLibraryVersion(workspaceRoot: string, version: string, cache = new GenerateCache()): Library {
  let source = cache.sources.get(version);
  if (!source) {
    source = version === 'workspace' ? workspaceLibrary(workspaceRoot) : releasedLibrary(workspaceRoot, version);
    cache.sources.set(version, source);
  }
  const key = `${version}:${source.contentHash}`;
  let library = cache.libraries.get(key);
  if (!library) {
    library = loadLibrary(source);
    cache.libraries.set(key, library);
  }
  return library;
}
