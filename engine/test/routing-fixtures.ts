// Routing rules of the CRM pool shared by the engine's and the runtime's routing tests.

/** Admission: a lead without a phone number is refused at the door. */
export const noPhone = {
  name: 'no-phone',
  when: { '!': { var: 'entity.phone' } },
  message: { en: 'A lead needs a phone number', zh: '线索需要电话' },
};

/** Create: level C outside the target industries goes to the nurture pool. */
export const nurture = {
  name: 'nurture',
  when: {
    and: [
      { '==': [{ var: 'entity.level' }, 'C'] },
      { '!': { in: [{ var: 'entity.industry' }, ['software', 'finance']] } },
    ],
  },
  pool: 'nurture',
  on: ['create' as const],
};

/** Release: a record tagged hard goes to the senior team's pool. */
export const hardToSeniors = {
  name: 'hard',
  when: { in: ['hard', { var: 'instance.tags' }] },
  pool: 'seniors',
  on: ['release' as const],
};

/** Records of `industry` go to the pool of that name (on create and release unless `on` says). */
export const byIndustry = (industry: string, on?: ('create' | 'release')[]) => ({
  name: industry,
  when: { '==': [{ var: 'entity.industry' }, industry] },
  pool: industry,
  ...(on ? { on } : {}),
});
