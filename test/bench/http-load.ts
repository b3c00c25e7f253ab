// HTTP load generator for the runtime benches, run as its own process so it does not share the server's
// event loop. Stdin: a JSON job {url, concurrency, seconds, warmupSeconds, requests: [{path, token, body}]}.
// Connection c sends requests c, c + concurrency, c + 2 * concurrency, … in turn; prints one JSON line.
import { Agent, request } from 'node:http';

interface Job {
  url: string;
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  requests: { path: string; token: string; body: unknown }[];
}

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const job = JSON.parse(input) as Job;
const target = new URL(job.url);
const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });

function send(path: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bodies = job.requests.map((r) => JSON.stringify(r.body));
const latencies: number[] = [];
const statuses: Record<string, number> = {};
const warmupEnd = performance.now() + job.warmupSeconds * 1000;
const end = warmupEnd + job.seconds * 1000;
let measuredStart = 0;
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, c) => {
    for (let i = c; ; i += job.concurrency) {
      const now = performance.now();
      if (now >= end) return;
      const n = i % job.requests.length;
      const status = await send(job.requests[n].path, job.requests[n].token, bodies[n]);
      if (now >= warmupEnd) {
        if (measuredStart === 0) measuredStart = now;
        latencies.push(performance.now() - now);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }
  }),
);
const seconds = (performance.now() - warmupEnd) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ seconds, latencies, statuses })}\n`);
