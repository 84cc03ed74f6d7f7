// Preloaded into the server by bench/memory.ts (node --import): one JSON line of memory figures per
// second on stderr, so the bench sees the server's own RSS, JS heap and native buffers.
import { readFileSync } from 'node:fs';

const kb = (field, status) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
setInterval(() => {
  const m = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const line = {
    probe: 'memory',
    t: Date.now(),
    rss: m.rss,
    rssAnon: kb('RssAnon', status),
    rssFile: kb('RssFile', status),
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    threads: kb('Threads', status) / 1024,
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}, 1000).unref();
