// Designer render bench (a figure, not a timed test): in headless Chromium, the time from opening
// the editor of a generated 60-state policy to all states and transitions drawn, and the time of an
// elkjs auto-layout of it (the first click loads ELK and waits for the layout the canvas started for
// its edge routes; after an undo the same graph's layout is reused), through the built app and a
// real runtime.
import { validate, type Policy, type StateNode } from '@poolflow/engine';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  ensureDesignerBuilt,
  launchChromium,
  startRuntime,
} from '../scripts/harness.js';

const STATES = 60;
const RUNS = 5;

/** A valid policy with `n` states: a chain with back edges, pool states every 10, timers, a final. */
export function generatedPolicy(n = STATES): Policy {
  const name = (i: number) => `s${String(i).padStart(2, '0')}`;
  const states: Record<string, StateNode> = {};
  for (let i = 0; i < n; i++) {
    const label = { en: `Stage ${i}`, zh: `阶段 ${i}` };
    if (i === n - 1) {
      states[name(i)] = { type: 'final', meta: { label } };
      continue;
    }
    const on: Record<string, string> = { NEXT: name(i + 1) };
    if (i % 10 === 5) {
      states[name(i)] = {
        meta: { pooled: true, label },
        on: { CLAIM: name(i + 1), ASSIGN: name(i - 4) },
      };
      continue;
    }
    if (i % 3 === 0 && i >= 2) on['BACK'] = name(i - 2);
    const pool = i - (i % 10) + 5;
    const node: StateNode = { meta: { label }, on };
    if (i % 4 === 0 && pool < n - 1 && pool !== i) node.after = { release: name(pool) };
    states[name(i)] = node;
  }
  return {
    id: 'bench-60',
    version: 1,
    name: { en: 'Bench: 60 states', zh: '基准：60 个状态' },
    entity: { schema: { type: 'object', properties: { name: { type: 'string' } } } },
    delays: { release: { days: 30 } },
    machine: { id: 'bench', initial: name(0), states },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Milliseconds from clicking auto-layout to the last state shown at its new place. Page code is a
 * string: tsx would wrap named functions in a helper that does not exist in the page.
 */
function timeLayout(page: Page): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const node = () => document.querySelector('.react-flow__node[data-id="s59"]');
    const before = node().style.transform;
    const t0 = performance.now();
    document.querySelector('[data-testid=auto-layout]').click();
    (function check() {
      if (node().style.transform !== before) resolve(performance.now() - t0);
      else requestAnimationFrame(check);
    })();
  })`);
}

export interface RenderBenchResult {
  ok: boolean;
  renderMs: number;
  layoutColdMs: number;
  layoutWarmMs: number;
}

export async function renderBench(): Promise<RenderBenchResult> {
  const policy = generatedPolicy();
  const problems = validate(policy).problems;
  if (problems.length > 0) throw new Error(`bench policy invalid: ${JSON.stringify(problems)}`);
  const edges = Object.values(policy.machine.states).reduce(
    (n, s) => n + Object.keys(s.on ?? {}).length + Object.keys(s.after ?? {}).length,
    0,
  );
  await ensureDesignerBuilt();
  const runtime = await startRuntime();
  const browser = await launchChromium();
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers['authorization'] = `Bearer ${token}`;
      const reply = await fetch(`${runtime.url}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      if (!reply.ok) throw new Error(`${path}: ${reply.status} ${await reply.text()}`);
      return (await reply.json()) as { token: string; user: unknown };
    };
    const session = await post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    // One policy per run: a run's autosaved layout must not be the next run's starting point.
    for (let run = 0; run < RUNS; run++) {
      await post(
        '/api/policies',
        { document: { ...policy, id: `bench-60-${run}` } },
        session.token,
      );
    }

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(runtime.url);
    await page.evaluate((s) => {
      localStorage.setItem('poolflow.token', s.token);
      localStorage.setItem('poolflow.user', JSON.stringify(s.user));
      localStorage.setItem('poolflow.lang', 'en');
    }, session);

    const render: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${runtime.url}/?run=${run}#/policies/bench-60-${run}`);
      // All states measured (React Flow hides a node until it knows its size) and all edges drawn.
      await page.waitForFunction(
        ({ states, transitions }) =>
          document.querySelectorAll('.react-flow__node').length === states &&
          document.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length ===
            0 &&
          document.querySelectorAll('.react-flow__edge').length === transitions,
        { states: STATES, transitions: edges },
        { polling: 'raf' },
      );
      render.push(await page.evaluate(() => performance.now()));
      const drawn = await page.evaluate(
        () =>
          document.querySelector<HTMLElement>('.react-flow__node[data-id="s59"]')?.style.transform,
      );
      cold.push(await timeLayout(page));
      // Undo needs the editor to have the keyboard: a DOM click does not give it focus.
      await page.click('.react-flow__pane', { position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+z');
      await page.waitForFunction(
        (at) =>
          document.querySelector<HTMLElement>('.react-flow__node[data-id="s59"]')?.style
            .transform === at,
        drawn,
      );
      warm.push(await timeLayout(page));
    }
    const result = {
      ok: true,
      renderMs: median(render),
      layoutColdMs: median(cold),
      layoutWarmMs: median(warm),
    };
    console.log(`designer, ${STATES} states and ${edges} transitions, median of ${RUNS} runs:`);
    console.log(`  open editor -> canvas drawn      ${result.renderMs.toFixed(0).padStart(6)} ms`);
    console.log(
      `  auto-layout, first click         ${result.layoutColdMs.toFixed(0).padStart(6)} ms  (loads ELK, lays out in a worker)`,
    );
    console.log(
      `  auto-layout, again after undo    ${result.layoutWarmMs.toFixed(0).padStart(6)} ms  (same graph: layout reused)`,
    );
    return result;
  } finally {
    await browser.close();
    await runtime.close();
  }
}

// Run alone: `node --import tsx designer/bench/render.bench.ts`.
if (process.argv[1] === import.meta.filename) await renderBench();
