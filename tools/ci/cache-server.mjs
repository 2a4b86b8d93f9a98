#!/usr/bin/env node
// A minimal Nx self-hosted remote cache server (the open "Nx remote cache" HTTP spec):
//   PUT /v1/cache/{hash}  body: the task's tar archive  -> 200 stored, 409 if the hash exists (never overwrite),
//                                                         401/403 without a write token
//   GET /v1/cache/{hash}                                -> 200 with the archive, 404 when absent, 403 bad token
// Tokens: SCORE_CACHE_READ_TOKEN (read only, for pull requests) and SCORE_CACHE_WRITE_TOKEN (read and write, for
// protected branches). Storage: a folder.
//
// A TEST FIXTURE: tools/ci/remote-cache.test.ts runs the real nx client against it to check the read/write token
// split. It is not a production cache (no TLS, no eviction, one process, one disk); production uses a maintained
// implementation, see the README's "Remote cache in production".
import { createServer } from 'node:http';
import { mkdirSync, existsSync, createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';

const HASH = /^[A-Za-z0-9_-]{1,128}$/;

function tokenMatches(given, expected) {
  if (!expected || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the server; resolves to { url, close, stats } once listening. */
export function startCacheServer({ dir, readToken, writeToken, port = 0, host = '127.0.0.1' }) {
  mkdirSync(dir, { recursive: true });
  const stats = { get: 0, getHit: 0, put: 0, putConflict: 0, denied: 0 };
  const server = createServer((req, res) => {
    const m = /^\/v1\/cache\/([^/?]+)$/.exec(req.url ?? '');
    if (!m || !HASH.test(m[1])) {
      res.writeHead(404).end();
      return;
    }
    const token = /^Bearer\s*(.*)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    const canWrite = tokenMatches(token, writeToken);
    const canRead = canWrite || tokenMatches(token, readToken);
    const file = join(dir, m[1]);
    if (req.method === 'GET') {
      stats.get++;
      if (!canRead) {
        stats.denied++;
        res.writeHead(403).end();
        return;
      }
      if (!existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      stats.getHit++;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(file).size });
      createReadStream(file).pipe(res);
      return;
    }
    if (req.method === 'PUT') {
      stats.put++;
      if (!canWrite) {
        stats.denied++;
        req.resume();
        res.writeHead(token ? 403 : 401).end();
        return;
      }
      if (existsSync(file)) {
        stats.putConflict++;
        req.resume();
        res.writeHead(409).end();
        return;
      }
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      const out = createWriteStream(tmp);
      req.pipe(out);
      out.on('finish', () => {
        // First writer wins; a concurrent second upload of the same hash is a conflict, never an overwrite.
        if (existsSync(file)) {
          rmSync(tmp, { force: true });
          stats.putConflict++;
          res.writeHead(409).end();
          return;
        }
        renameSync(tmp, file);
        res.writeHead(200).end();
      });
      out.on('error', () => {
        rmSync(tmp, { force: true });
        res.writeHead(403).end();
      });
      return;
    }
    res.writeHead(405).end();
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ url: `http://${host}:${actual}`, stats, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.env.SCORE_CACHE_DIR ?? '.nx-remote-cache';
  const port = Number(process.env.PORT ?? 8765);
  const { url } = await startCacheServer({ dir, port, readToken: process.env.SCORE_CACHE_READ_TOKEN, writeToken: process.env.SCORE_CACHE_WRITE_TOKEN });
  console.error(`nx remote cache on ${url}, storing in ${dir}`);
}
