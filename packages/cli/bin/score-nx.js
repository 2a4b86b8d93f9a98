#!/usr/bin/env node
'use strict';
require('../dist/main.js')
  .run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env })
  .then((code) => {
    process.exitCode = code;
  });
