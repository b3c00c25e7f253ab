// Template policies and scenarios read from templates/, for the designer's tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '@poolflow/engine';

const templates = join(import.meta.dirname, '..', '..', 'templates');

export function loadTemplate(id: string): Policy {
  return JSON.parse(readFileSync(join(templates, id, 'policy.json'), 'utf8')) as Policy;
}

export const crm = (): Policy => loadTemplate('crm-customer-pool');
