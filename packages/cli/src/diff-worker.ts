// The worker thread of `score-nx diff` (see diff-render.ts): renders the runs of tasks it is sent, one task at a
// time, and answers each with its outcome. An engine crash is sent back as text: the main thread reports it and stops.
import { parentPort } from 'node:worker_threads';
import { TaskRenderer } from './diff-render';
import type { RenderTask } from './diff-render';

const port = parentPort;
if (!port) throw new Error('diff-worker.js runs as a worker thread of score-nx diff');
const renderer = new TaskRenderer();
port.on('message', (run: Array<{ index: number; task: RenderTask }>) => {
  for (const { index, task } of run) {
    try {
      port.postMessage({ index, rendered: renderer.render(task) });
    } catch (err) {
      port.postMessage({ crash: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      return;
    }
  }
});
