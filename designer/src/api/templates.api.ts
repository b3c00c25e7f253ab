// Policy templates with their scenarios, from GET /api/templates and GET /api/templates/:id.
import type { Policy, Scenario } from '@poolflow/engine';
import type { Template as TemplateReply, TemplateList } from './api.types.js';
import { api } from './client.js';

export interface Template {
  id: string;
  document: Policy;
  scenarios: Scenario[];
}

export async function getTemplate(id: string): Promise<Template> {
  const reply = await api<TemplateReply>('GET', `/api/templates/${encodeURIComponent(id)}`);
  return {
    id: reply.id,
    // The document and scenarios are policy and scenario documents (policy/scenario.schema.json).
    document: reply.document as unknown as Policy,
    scenarios: reply.scenarios.map((s) => {
      const scenario = s.scenario as unknown as Scenario;
      return { ...scenario, name: scenario.name ?? s.name };
    }),
  };
}

export async function listTemplates(): Promise<Template[]> {
  const { items } = await api<TemplateList>('GET', '/api/templates');
  return Promise.all(items.map((item) => getTemplate(item.id)));
}

/** The scenarios of the template a policy was cloned from (same id or same machine id). */
export async function scenariosForPolicy(policyId: string, machineId: string): Promise<Scenario[]> {
  const all = await listTemplates();
  const source =
    all.find((t) => t.id === policyId) ?? all.find((t) => t.document.machine.id === machineId);
  return source?.scenarios ?? [];
}
