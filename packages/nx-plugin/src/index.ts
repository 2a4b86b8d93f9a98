import { createNodesV2 } from './plugin/create-nodes';

export { createNodesV2 };
/** nx 21/22 read `createNodesV2`, nx 23+ read `createNodes`: the same v2 tuple under both names. */
export const createNodes = createNodesV2;
export { createDependencies } from './plugin/create-dependencies';
export { normalizeOptions } from './plugin/options';
export type { ScorePluginOptions } from './plugin/options';
export type { GenerateExecutorOptions } from './executors/generate/schema';
export type { ValidateExecutorOptions } from './executors/validate/schema';
export { preTasksExecution } from './plugin/configuration-guard';
