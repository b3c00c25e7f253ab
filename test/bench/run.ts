// Runs the benchmarks: `npm run bench` runs them all, `npm run bench -- engine` those whose name matches.
import { engineBench } from './engine.bench.js';
import type { Bench } from './harness.js';
import { runtimeClaimsBench } from './runtime-claims.bench.js';
import { runtimeEventsBench } from './runtime-events.bench.js';
import { runtimeListBench } from './runtime-list.bench.js';
import { runtimeSweepBench } from './runtime-sweep.bench.js';

const benches: Bench[] = [
  {
    name: 'engine',
    description: 'engine step() vs bare XState transition() on the CRM template',
    run: engineBench,
  },
  {
    name: 'runtime-sweep',
    description: 'Sweeper.sweepAll releasing N due records vs one raw SQL UPDATE (PostgreSQL)',
    run: runtimeSweepBench,
  },
  {
    name: 'runtime-claims',
    description: '100 reps racing claims over 1,000 pooled records vs bare conditional UPDATEs',
    run: runtimeClaimsBench,
  },
  {
    name: 'runtime-events',
    description: 'FOLLOW_UP over HTTP at concurrency 50 vs a bare Fastify + pg route',
    run: runtimeEventsBench,
  },
  {
    name: 'runtime-list',
    description: 'top 50 pooled records by score among 1,000,000 through the list route',
    run: runtimeListBench,
  },
];

const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const selected = benches.filter(
  (bench) => filters.length === 0 || filters.some((f) => bench.name.includes(f)),
);
if (selected.length === 0) {
  console.error(
    `no bench matches ${filters.join(' ')}; benches: ${benches.map((b) => b.name).join(', ')}`,
  );
  process.exitCode = 2;
}
for (const bench of selected) {
  console.log(`\n== ${bench.name}: ${bench.description}\n`);
  const outcome = await bench.run();
  if (!outcome.ok) process.exitCode = 1;
}
