#!/usr/bin/env node
'use strict';
// A reader that closes early (`| head`, `| true`) is not an error: once stdout is closed, further output is
// dropped and the command ends with the exit code it would have had.
let stdoutClosed = false;
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') {
    stdoutClosed = true;
    return;
  }
  throw err;
});
const stdout = { write: (chunk) => (stdoutClosed ? true : process.stdout.write(chunk)) };
// https://no-color.org: any non-empty NO_COLOR turns colour off; so does output that is not a terminal.
const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
// In the workspace the CLI runs from dist/ (tsc); the packed tarball carries only the esbuild bundle (see
// scripts/bundle.mjs), with every dependency inside it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const dist = join(__dirname, '../dist/main.js');
require(existsSync(dist) ? dist : join(__dirname, '../bundle/main.js'))
  .run(process.argv.slice(2), { stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env, colour, ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}) })
  .then((code) => {
    process.exitCode = code;
  });
