#!/usr/bin/env node
'use strict';
// In the workspace the CLI runs from dist/ (tsc); the packed tarball carries only the esbuild bundle (see
// scripts/bundle.mjs), with every dependency inside it.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const dist = join(__dirname, '../dist/main.js');
require(existsSync(dist) ? dist : join(__dirname, '../bundle/main.js'))
  .run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env })
  .then((code) => {
    process.exitCode = code;
  });
