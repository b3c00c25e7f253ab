// Runs the benchmarks: `npm run bench` runs them all, `npm run bench -- engine` those whose name matches.
import { engineBench } from './engine.bench.js';
import { renderBench } from '../../designer/bench/render.bench.js';
import type { Bench } from './harness.js';
import { importBench } from './import.bench.js';
import { publishGateBench } from './publish-gate.bench.js';
import { statsBench } from './stats.bench.js';
import { runtimeClaimsBench } from './runtime-claims.bench.js';
import { runtimeEventsBench } from './runtime-events.bench.js';
import { runtimeListBench } from './runtime-list.bench.js';
import { runtimeSweepBench } from './runtime-sweep.bench.js';
import { upgradeBench } from './upgrade.bench.js';

const benches: Bench[] = [
  {
    name: 'engine',
    description: 'engine step() vs bare XState transition() on the CRM template',
    run: engineBench,
  },
  {
    name: 'publish-gate',
    description: "the saved scenarios a publish runs: each template's, and 50 x 40 steps",
    run: publishGateBench,
  },
  {
    name: 'runtime-sweep',
    description:
      'the sweep (SweepWorkers) releasing N due records vs one raw SQL UPDATE, best of two runs (PostgreSQL)',
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

benches.push(
  {
    name: 'import',
    description: 'CSV import of 100,000 records through the streaming importer vs a bare INSERT',
    run: importBench,
  },
  {
    name: 'upgrade',
    description:
      'pool upgrade of N records v1 -> v2 next to the sweep on the same records, and the dry run (PostgreSQL)',
    run: upgradeBench,
  },
  {
    name: 'stats',
    description: 'pool stats p95 on 1,000,000 records with a year of history (PostgreSQL)',
    run: statsBench,
  },
  {
    name: 'designer',
    description: 'render and auto-layout a 60-state policy in headless Chromium',
    run: async () => {
      const result = await renderBench();
      return { ok: result.ok };
    },
  },
);

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
  try {
    const outcome = await bench.run();
    if (!outcome.ok) process.exitCode = 1;
  } catch (e) {
    // One broken bench must not hide the others' figures.
    console.error(
      `${bench.name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
    process.exitCode = 1;
  }
}
