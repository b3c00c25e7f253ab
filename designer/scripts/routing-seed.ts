// Pools for the routing page's e2e test and screenshot: the CRM template (with a region field) published
// in a Sales department, an entrance pool "leads" and the pools its rules send records to.
import type { ApiCaller } from './harness.js';

export const ROUTING_POLICY = 'crm-customer-pool';

/** Entrance first; the others are targets (same department, same policy). */
export const ROUTING_POOLS = [
  { key: 'leads', name: { en: 'Leads', zh: '线索池' } },
  { key: 'east', name: { en: 'East China', zh: '华东公海' } },
  { key: 'north', name: { en: 'North China', zh: '华北公海' } },
  { key: 'nurture', name: { en: 'Nurture', zh: '培育池' } },
  { key: 'senior', name: { en: 'Senior team', zh: '攻坚小组' } },
] as const;

interface TemplateDocument {
  entity: { schema: { properties: Record<string, unknown> } };
}

/** Publishes the CRM template with a region field (when it has none) and creates the pools. */
export async function seedRoutingPools(call: ApiCaller): Promise<void> {
  await call('POST', '/api/departments', { key: 'sales', name: { en: 'Sales', zh: '销售部' } });
  const { document } = await call<{ document: TemplateDocument }>(
    'GET',
    `/api/templates/${ROUTING_POLICY}`,
  );
  document.entity.schema.properties['region'] ??= {
    type: 'string',
    title: 'Region',
    enum: ['east', 'north', 'south', 'west'],
  };
  await call('POST', '/api/policies', { document });
  await call('POST', `/api/policies/${ROUTING_POLICY}/publish`, { message: 'With regions' });
  for (const pool of ROUTING_POOLS) {
    await call('POST', '/api/pools', {
      ...pool,
      policyId: ROUTING_POLICY,
      policyVersion: 1,
      distribution: 'manual',
      timeZone: 'Asia/Shanghai',
      departmentId: 'sales',
      members: [],
    });
  }
}

const region = (value: string) => ({ '==': [{ var: 'entity.region' }, value] });

/** The entrance pool's rules as the README shows them (the e2e test builds its own in the page). */
export const EXAMPLE_ROUTING = {
  admission: [
    {
      name: 'non-target',
      when: {
        and: [
          { '==': [{ var: 'entity.level' }, 'C'] },
          { '==': [{ var: 'entity.industry' }, 'other'] },
        ],
      },
      message: {
        en: 'Level C leads outside our industries are not taken',
        zh: '目标行业以外的 C 级线索不进入公海',
      },
    },
  ],
  rules: [
    {
      name: 'hard',
      when: { in: ['hard', { var: 'instance.tags' }] },
      pool: 'senior',
      on: ['release'],
    },
    { name: 'east', when: region('east'), pool: 'east' },
    { name: 'north', when: region('north'), pool: 'north' },
    {
      name: 'level-c',
      when: { '==': [{ var: 'entity.level' }, 'C'] },
      pool: 'nurture',
      on: ['create'],
    },
  ],
};
