// Policy templates with their scenarios, from GET /api/templates and GET /api/templates/:id.
import type { Policy, Scenario } from '@poolflow/engine';
import { api } from './client.js';

export interface Template {
  id: string;
  document: Policy;
  scenarios: Scenario[];
}

interface TemplateReply {
  id: string;
  document: Policy;
  scenarios: { id: string; name: string; scenario: Scenario }[];
}

export async function getTemplate(id: string): Promise<Template> {
  const reply = await api<TemplateReply>('GET', `/api/templates/${encodeURIComponent(id)}`);
  return {
    id: reply.id,
    document: reply.document,
    scenarios: reply.scenarios.map((s) => ({ ...s.scenario, name: s.scenario.name ?? s.name })),
  };
}

export async function listTemplates(): Promise<Template[]> {
  const { items } = await api<{ items: { id: string }[] }>('GET', '/api/templates');
  return Promise.all(items.map((item) => getTemplate(item.id)));
}

/** The scenarios of the template a policy was cloned from (same id or same machine id). */
export async function scenariosForPolicy(policyId: string, machineId: string): Promise<Scenario[]> {
  const all = await listTemplates();
  const source =
    all.find((t) => t.id === policyId) ?? all.find((t) => t.document.machine.id === machineId);
  return source?.scenarios ?? [];
}
