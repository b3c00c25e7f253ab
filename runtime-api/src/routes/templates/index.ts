// Policy templates from the repository's templates/ folder, for the designer's gallery and cloning.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { RuntimeError } from '../../runtime.error.js';

// src/routes/templates and dist/routes/templates sit at the same depth, so one path serves both.
export const templatesRoot = join(import.meta.dirname, '..', '..', '..', '..', 'templates');

type Text = { en: string; zh?: string };
interface PolicyFile {
  id: string;
  name: Text;
  description?: Text;
  machine: { states?: Record<string, unknown> };
}
interface Template {
  id: string;
  name: Text;
  description?: Text;
  stateCount: number;
  document: PolicyFile;
  scenarios: { id: string; name: string; scenario: Record<string, unknown> }[];
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Counts every state node, nested ones included: that is what the designer draws. */
function countStates(states: Record<string, unknown> | undefined): number {
  let n = 0;
  for (const node of Object.values(states ?? {})) {
    n += 1 + countStates((node as { states?: Record<string, unknown> }).states);
  }
  return n;
}

async function loadTemplates(root: string): Promise<Map<string, Template>> {
  const templates = new Map<string, Template>();
  if (!existsSync(root)) return templates;
  const ids = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'policy.json')))
    .map((d) => d.name)
    .sort();
  for (const id of ids) {
    const document = await readJson<PolicyFile>(join(root, id, 'policy.json'));
    const dir = join(root, id, 'scenarios');
    const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.json')) : [];
    const scenarios = await Promise.all(
      files.sort().map(async (file) => {
        const scenario = await readJson<Record<string, unknown>>(join(dir, file));
        const scenarioId = file.replace(/\.json$/, '');
        const name = typeof scenario['name'] === 'string' ? scenario['name'] : scenarioId;
        return { id: scenarioId, name, scenario };
      }),
    );
    templates.set(id, {
      id,
      name: document.name,
      ...(document.description ? { description: document.description } : {}),
      stateCount: countStates(document.machine.states),
      document,
      scenarios,
    });
  }
  return templates;
}

export default async function templateRoutes(app: FastifyInstance): Promise<void> {
  // Templates ship with the code, so they are read once at start.
  const templates = await loadTemplates(templatesRoot);
  if (templates.size === 0) app.log.warn(`no policy templates found in ${templatesRoot}`);

  app.get('/api/templates', () => ({
    items: [...templates.values()].map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      stateCount: t.stateCount,
      scenarios: t.scenarios.map((s) => ({ id: s.id, name: s.name })),
    })),
  }));

  app.get<{ Params: { id: string } }>('/api/templates/:id', (request) => {
    const template = templates.get(request.params.id);
    if (!template) throw RuntimeError.notFound(`template ${request.params.id}`);
    return template;
  });
}
