// Stores ELK's layout as each template's `layout`, so a template opens with every edge on ELK's route
// and no label over another (the canvas keeps ELK's routes only while states stand where ELK put them).
// Run after changing a template's states or transitions: `npx tsx designer/scripts/layout-templates.ts`.
import type { Policy } from '@poolflow/engine';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { autoLayout } from '../src/canvas/auto-layout.js';
import { setLayout } from '../src/canvas/policy-graph.js';

const TEMPLATES = ['crm-customer-pool', 'hr-candidate-pool', 'service-ticket-pool'];
const root = fileURLToPath(new URL('../..', import.meta.url));
/** The template's top-level `layout` block (the rest of the file is left as written). */
const LAYOUT = /\n {2}"layout": \{[\s\S]*?\n {2}\}/;

for (const id of TEMPLATES) {
  const path = `${root}templates/${id}/policy.json`;
  const text = await readFile(path, 'utf8');
  const policy = JSON.parse(text) as Policy;
  const { layout } = setLayout(policy, await autoLayout(policy));
  // One state a line, as the templates were written.
  const lines = Object.entries(layout ?? {}).map(
    ([name, p]) => `    ${JSON.stringify(name)}: ${JSON.stringify(p)}`,
  );
  const block = `\n  "layout": {\n${lines.join(',\n')}\n  }`;
  if (!LAYOUT.test(text)) throw new Error(`${path}: no top-level "layout" block to replace`);
  const next = text.replace(LAYOUT, block);
  await writeFile(path, await format(next, { ...(await resolveConfig(path)), filepath: path }));
  console.log(`${id}: ${Object.keys(layout ?? {}).length} states placed`);
}
