import { readFileSync } from 'node:fs';
import { byCodeUnit } from '../util/compare';
import { join } from 'node:path';
import { UserError } from '../errors';
import { loadEnvironments } from '../environments/environments';
import { loadServiceConfig } from '../environments/service-config';
import type { EnvironmentDefinition } from '../environments/environments';
import type { ServiceConfig } from '../environments/service-config';
import { dnsLabel } from '../provisioners/names';
import { workspaceSharing } from '../sharing';
import { parseYamlMapping } from '../util/yaml-source';

/**
 * The Argo CD objects that deploy a workspace: one Application per service and environment its
 * service-config.yaml lists (a service without one deploys to every regular environment, as for `generate`), and
 * one ApplicationSet per preview environment, fed by Argo CD's pull-request generator, for the services that
 * deploy there. A service never gets an Application for an environment it does not deploy to: that Application
 * could only fail on every sync.
 */

export const PLUGIN_NAME = 'score-nx-v1';
/** The Nx project (and folder) of the platform-owned output. */
export const SHARED_PROJECT = 'platform-shared';
export const SHARED_PROJECT_PATH = 'platform/shared';

export interface ArgoCdOptions {
  repoUrl: string;
  revision: string;
  /** The Argo CD project of every Application. */
  project: string;
  /** The namespace Argo CD runs in (where Applications live). */
  argocdNamespace: string;
  /** The pull-request generator's source: `github:<owner>/<repo>` or `gitlab:<group>/<project>`. */
  pullRequests: string;
  /** Pull requests get a preview only with this label (empty: every open pull request). */
  previewLabel: string;
}

export interface WorkspaceService {
  name: string;
  /** Workspace-relative folder (posix). */
  path: string;
}

export type ArgoObject = Record<string, unknown> & { kind: string; metadata: { name: string } & Record<string, unknown> };

/** Argo CD notifications: the catalog triggers a team hears about, in its Slack channel. */
const TRIGGERS = ['on-deployed', 'on-health-degraded', 'on-sync-failed'];

interface ServiceFacts extends WorkspaceService {
  metadata: Record<string, unknown>;
  config: ServiceConfig | undefined;
  slackChannel: string | undefined;
}

export function argoCdApplications(workspaceRoot: string, services: readonly WorkspaceService[], options: ArgoCdOptions): ArgoObject[] {
  const prSource = pullRequestSource(options);
  const envs = [...loadEnvironments(workspaceRoot).values()];
  const facts = services.map((s) => readFacts(workspaceRoot, s)).sort((a, b) => byCodeUnit(a.name, b.name));
  const deploys = (s: ServiceFacts, env: EnvironmentDefinition) => (s.config ? env.name in s.config.environments : !env.preview);
  const objects: ArgoObject[] = [];
  for (const env of envs.filter((e) => !e.preview)) {
    for (const s of facts.filter((f) => deploys(f, env))) objects.push(application(s, env, options));
    const sharing = workspaceSharing(workspaceRoot, env);
    if (sharing.namespaces.size + sharing.uids.size > 0) objects.push(sharedApplication(env, options));
  }
  for (const env of envs.filter((e) => e.preview)) {
    const members = facts.filter((f) => deploys(f, env));
    if (members.length > 0) objects.push(previewApplicationSet(env, members, prSource, options));
  }
  return objects;
}

function readFacts(workspaceRoot: string, service: WorkspaceService): ServiceFacts {
  const dir = join(workspaceRoot, service.path);
  const file = `${service.path}/score.yaml`;
  const doc = parseYamlMapping(file, readFileSync(join(dir, 'score.yaml'), 'utf8'), 'Score file');
  const metadata = (doc.data['metadata'] ?? {}) as Record<string, unknown>;
  return { ...service, metadata, config: loadServiceConfig(dir, service.path), slackChannel: slackChannel(doc.data, file) };
}

/** The team's channel: the `monitoring` resource's devTeamSlackChannel (the one its alerts already go to). */
function slackChannel(score: Record<string, unknown>, file: string): string | undefined {
  const resources = (score['resources'] ?? {}) as Record<string, { type?: unknown; params?: Record<string, unknown> }>;
  const channels = new Set<string>();
  for (const r of Object.values(resources)) {
    const channel = r?.type === 'monitoring' ? r.params?.['devTeamSlackChannel'] : undefined;
    if (typeof channel === 'string' && channel !== '') channels.add(channel.replace(/^#/, ''));
  }
  if (channels.size > 1) throw new UserError(`${file}: monitoring resources name different Slack channels (${[...channels].sort().join(', ')}); deployment notifications need one`);
  return [...channels][0];
}

function namespaceOf(s: ServiceFacts, env: EnvironmentDefinition): string {
  const metadata = { ...env.metadata, ...s.metadata };
  const source = metadata[env.namespace.fromMetadata];
  return dnsLabel([typeof source === 'string' && source !== '' ? source : s.name]);
}

function notifications(channel: string | undefined): Record<string, string> {
  if (!channel) return {};
  return Object.fromEntries(TRIGGERS.map((t) => [`notifications.argoproj.io/subscribe.${t}.slack`, channel]));
}

/** Where an environment's Applications go: the cluster named in its metadata, as registered in Argo CD. */
function destinationCluster(env: EnvironmentDefinition): string {
  const cluster = env.metadata['cluster'];
  if (typeof cluster !== 'string' || cluster === '') throw new UserError(`${env.file}: metadata.cluster must name the Argo CD cluster the environment deploys to`);
  return cluster;
}

const syncPolicy = { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] };

function application(s: ServiceFacts, env: EnvironmentDefinition, options: ArgoCdOptions): ArgoObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${s.name}-${env.name}`,
      namespace: options.argocdNamespace,
      labels: { 'score-nx.dev/service': s.name, 'score-nx.dev/environment': env.name },
      ...(s.slackChannel ? { annotations: notifications(s.slackChannel) } : {}),
    },
    spec: {
      project: options.project,
      source: {
        repoURL: options.repoUrl,
        targetRevision: options.revision,
        path: s.path,
        plugin: { name: PLUGIN_NAME, parameters: [{ name: 'environment', string: env.name }] },
      },
      destination: { name: destinationCluster(env), namespace: namespaceOf(s, env) },
      syncPolicy,
    },
  };
}

/** The platform-owned objects of an environment (platform/shared, rendered by `score-nx shared`): one owner each. */
function sharedApplication(env: EnvironmentDefinition, options: ArgoCdOptions): ArgoObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${SHARED_PROJECT}-${env.name}`,
      namespace: options.argocdNamespace,
      labels: { 'score-nx.dev/service': SHARED_PROJECT, 'score-nx.dev/environment': env.name },
    },
    spec: {
      project: options.project,
      source: {
        repoURL: options.repoUrl,
        targetRevision: options.revision,
        path: SHARED_PROJECT_PATH,
        plugin: { name: PLUGIN_NAME, parameters: [{ name: 'environment', string: env.name }] },
      },
      // Every shared object names its namespace; shared namespaces are never pruned by one sync (Prune=false).
      destination: { name: destinationCluster(env) },
      syncPolicy,
    },
  };
}

/**
 * One ApplicationSet per preview environment: the pull-request generator (open pull requests, with the preview
 * label) crossed with the services that deploy there; each Application renders the pull request's head commit
 * with the plugin parameters `environment` and `pr`.
 */
function previewApplicationSet(env: EnvironmentDefinition, services: ServiceFacts[], prSource: Record<string, unknown>, options: ArgoCdOptions): ArgoObject {
  const suffix = env.namespace.suffix.replaceAll('{pr}', '{{ .number }}');
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: `score-nx-${env.name}`, namespace: options.argocdNamespace },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          matrix: {
            generators: [
              { pullRequest: { ...prSource, requeueAfterSeconds: 300 } },
              {
                list: {
                  elements: services.map((s) => ({
                    service: s.name,
                    path: s.path,
                    namespace: namespaceOf(s, env),
                    ...(s.slackChannel ? { slackChannel: s.slackChannel } : {}),
                  })),
                },
              },
            ],
          },
        },
      ],
      template: {
        metadata: {
          name: `{{ .service }}-${env.name}-{{ .number }}`,
          labels: { 'score-nx.dev/service': '{{ .service }}', 'score-nx.dev/environment': env.name, 'score-nx.dev/pr': '{{ .number }}' },
        },
        spec: {
          project: options.project,
          source: {
            repoURL: options.repoUrl,
            targetRevision: '{{ .head_sha }}',
            path: '{{ .path }}',
            plugin: {
              name: PLUGIN_NAME,
              parameters: [
                { name: 'environment', string: env.name },
                { name: 'pr', string: '{{ .number }}' },
              ],
            },
          },
          destination: { name: destinationCluster(env), namespace: `{{ .namespace }}${suffix}` },
          syncPolicy,
        },
      },
      // Slack subscriptions only for services that name a channel (a template cannot add keys conditionally).
      templatePatch: [
        '{{- if hasKey . "slackChannel" }}',
        'metadata:',
        '  annotations:',
        ...TRIGGERS.map((t) => `    notifications.argoproj.io/subscribe.${t}.slack: '{{ .slackChannel }}'`),
        '{{- end }}',
        '',
      ].join('\n'),
    },
  };
}

function pullRequestSource(options: ArgoCdOptions): Record<string, unknown> {
  const m = /^(github|gitlab):([^/\s]+)\/([^/\s]+)$/.exec(options.pullRequests);
  if (!m) throw new UserError(`--pull-requests must be github:<owner>/<repo> or gitlab:<group>/<project>, got '${options.pullRequests}'`);
  const labels = options.previewLabel ? { labels: [options.previewLabel] } : {};
  // The SCM token lives in a Secret in Argo CD's namespace; read access to pull requests is all it needs.
  const tokenRef = { secretName: 'score-nx-scm-token', key: 'token' };
  if (m[1] === 'github') return { github: { owner: m[2], repo: m[3], tokenRef, ...labels } };
  return { gitlab: { project: `${m[2]}/${m[3]}`, tokenRef, pullRequestState: 'opened', ...labels } };
}
