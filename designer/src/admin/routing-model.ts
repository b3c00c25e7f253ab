// The routing page's editing model: rows with stable ids (reorder keeps their errors), the document
// the runtime stores, and the runtime's 400 details turned into errors next to the fields.
import type {
  AdmissionRule,
  Routing,
  RoutingRule,
  RoutingTrigger,
  Rule,
} from '../api/routing.api.js';
import type { RefusalDetail } from '../api/refusal-words.js';

export const TRIGGERS: RoutingTrigger[] = ['create', 'release'];
/** The runtime's bounds (routing.schema.json): Add stops there instead of a refused save. */
export const ROUTING_RULES_MAX = 50;
export const ADMISSION_RULES_MAX = 20;

export interface RuleRow extends Omit<RoutingRule, 'on'> {
  id: number;
  on: RoutingTrigger[];
}
export interface AdmissionRow extends AdmissionRule {
  id: number;
}
export interface RoutingDraft {
  admission: AdmissionRow[];
  rules: RuleRow[];
}
export type RowList = 'admission' | 'rules';

/** Errors by `<row id>/<field>` (field: name, when, pool, on, message), and the rest as text. */
export interface FieldErrors {
  fields: Record<string, string>;
  other: string[];
}
export const NO_ERRORS: FieldErrors = { fields: {}, other: [] };

let nextId = 1;
const newId = () => nextId++;

export function toDraft(routing: Routing): RoutingDraft {
  return {
    admission: (routing.admission ?? []).map((a) => ({ ...a, id: newId() })),
    rules: routing.rules.map(({ on, ...rule }) => ({
      ...rule,
      on: on ?? [...TRIGGERS],
      id: newId(),
    })),
  };
}

/** The document as stored: `on` left out when it is both (the default). */
export function toDocument(draft: RoutingDraft): Routing {
  const rules = draft.rules.map(({ id: _id, on, ...rule }): RoutingRule => {
    const both = TRIGGERS.every((t) => on.includes(t));
    return both ? rule : { ...rule, on: TRIGGERS.filter((t) => on.includes(t)) };
  });
  const admission = draft.admission.map(({ id: _id, ...rule }) => rule);
  return admission.length > 0 ? { admission, rules } : { rules };
}

export function newRule(index: number, pool: string): RuleRow {
  return { id: newId(), name: `rule-${index + 1}`, when: true, pool, on: [...TRIGGERS] };
}

export function newAdmission(index: number): AdmissionRow {
  return { id: newId(), name: `admission-${index + 1}`, when: true, message: { en: '' } };
}

/** The rule builder and the JSON editor hand back JSON; an emptied editor is the empty condition. */
export function ruleOf(value: unknown): Rule {
  return value === undefined ? true : (value as Rule);
}

/** The list with row `index` moved by `delta` places (kept inside the list). */
export function moveRow<T>(rows: T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (to < 0 || to >= rows.length || index < 0 || index >= rows.length) return rows;
  const next = [...rows];
  const [row] = next.splice(index, 1) as [T];
  next.splice(to, 0, row);
  return next;
}

/**
 * The runtime's details (`/body/rules/2/pool`, `/body/admission/0/message/en`, or under
 * `/body/routing/` when a draft was tried) on the rows they name, by row id, so a row moved after the
 * refusal keeps its error; the rest as plain text. `words` gives a detail in the user's language (it
 * names the field itself); without it, the server's English. A rule left on "Choose a pool" reads
 * `noPool` (the schema's pattern of a pool key says nothing to the user).
 */
export function fieldErrors(
  details: unknown,
  draft: RoutingDraft,
  fallback: string,
  words?: (detail: RefusalDetail) => string,
  noPool?: string,
): FieldErrors {
  const items = Array.isArray(details) ? (details as RefusalDetail[]) : [];
  const out: FieldErrors = { fields: {}, other: [] };
  for (const item of items) {
    const path = typeof item.path === 'string' ? item.path : '';
    const match = /^\/body\/(?:routing\/)?(rules|admission)\/(\d+)(?:\/([a-z]+))?/.exec(path);
    const row = match ? draft[match[1] as RowList][Number(match[2])] : undefined;
    const unchosen =
      noPool !== undefined && match?.[3] === 'pool' && row && 'pool' in row && !row.pool;
    const worded = unchosen ? noPool : words?.(item);
    const message = worded ?? (typeof item.message === 'string' ? item.message : fallback);
    if (match && row) {
      const key = `${row.id}/${match[3] ?? 'name'}`;
      out.fields[key] = out.fields[key] ? `${out.fields[key]}; ${message}` : message;
    } else out.other.push(path && worded === undefined ? `${path} ${message}` : message);
  }
  if (items.length === 0) out.other.push(fallback);
  return out;
}
