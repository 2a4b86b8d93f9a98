/** The CLI's version (`score-nx --version`), from its package.json (a bundler inlines it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CLI_VERSION: string = (require('../package.json') as { version: string }).version;
