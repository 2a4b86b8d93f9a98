/** Package version; part of every cache key so that an upgrade never reads stale compiled code. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;
