// Test helpers: the CRM template as a fresh mutable document, and a clock.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Policy } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..', 'templates');

export function template(id = 'crm-customer-pool'): Policy {
  return JSON.parse(readFileSync(join(root, id, 'policy.json'), 'utf8')) as Policy;
}

export const DAY = 86_400_000;
export const T0 = Date.parse('2026-01-05T01:00:00Z');
