// Runs the benchmarks: `npm run bench` runs them all, `npm run bench -- engine` those whose name matches.
import { engineBench } from './engine.bench.js';
import type { Bench } from './harness.js';

const benches: Bench[] = [
  {
    name: 'engine',
    description: 'engine step() vs bare XState transition() on the CRM template',
    run: engineBench,
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
