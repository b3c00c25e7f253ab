// rjsf schemas and ui schemas generated from schemas/policy.schema.json: local $refs inlined, rule
// references (JSON-logic) rendered by the rule editor, number-or-logic delays by a number input.
import policySchema from '@poolflow/schemas/policy.schema.json' with { type: 'json' };
import { UNIQUE_FIELD_TYPES, type Policy } from '@poolflow/engine';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';

type Json = Record<string, unknown>;

export interface FormSpec {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

const root = policySchema as unknown as Json;
const defs = root['$defs'] as Record<string, Json>;
const RULE_REF = /rule\.schema\.json$/;
const DROP = new Set(['$schema', '$id', '$defs', 'propertyNames']);

/** Inlines `#/$defs/x` references and marks rule references for the rule editor field. */
export function toForm(node: Json): FormSpec {
  const ref = node['$ref'];
  if (typeof ref === 'string' && RULE_REF.test(ref)) {
    const schema: Json = {};
    if (node['title']) schema['title'] = node['title'];
    if (node['description']) schema['description'] = node['description'];
    return { schema: schema, uiSchema: { 'ui:field': 'logic' } };
  }
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const inner = toForm(defs[ref.slice('#/$defs/'.length)] ?? {});
    const rest = { ...node };
    delete rest['$ref'];
    return { schema: { ...inner.schema, ...rest }, uiSchema: inner.uiSchema };
  }
  const schema: Json = {};
  const uiSchema: UiSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key)) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      const props: Json = {};
      for (const [name, sub] of Object.entries(value as Record<string, Json>)) {
        const spec = toForm(sub);
        props[name] = spec.schema;
        if (Object.keys(spec.uiSchema).length > 0) uiSchema[name] = spec.uiSchema;
      }
      schema[key] = props;
    } else if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      // rjsf names alternatives "option 1, 2…": name them after what they hold instead.
      schema[key] = (value as Json[]).map((option) => {
        const inner = toForm(option).schema as Json;
        if (inner['title'] !== undefined) return inner;
        if (Array.isArray(inner['enum'])) return { ...inner, title: 'Role' };
        return inner['type'] === 'array' ? { ...inner, title: 'Users' } : inner;
      });
    } else if (
      (key === 'additionalProperties' || key === 'items') &&
      value &&
      typeof value === 'object'
    ) {
      const spec = toForm(value as Json);
      schema[key] = spec.schema;
      if (Object.keys(spec.uiSchema).length > 0) uiSchema[key] = spec.uiSchema;
    } else {
      schema[key] = value;
    }
  }
  return { schema: schema, uiSchema };
}

function prop(name: string): Json {
  return (root['properties'] as Record<string, Json>)[name] ?? {};
}

const DURATION_UNITS = ['months', 'days', 'hours', 'minutes', 'ms'];

export function delaysForm(): FormSpec {
  const { description, ...delay } = defs['delay'] ?? {};
  const spec = toForm({ ...prop('delays'), title: '', description, additionalProperties: delay });
  const each = (spec.uiSchema['additionalProperties'] ?? {}) as UiSchema;
  each['ui:classNames'] = 'delay-grid';
  each['ui:field'] = 'delay'; // mode selector: fixed, or before/after another timer
  for (const unit of DURATION_UNITS) each[unit] = { 'ui:field': 'numberOrLogic' };
  spec.uiSchema['additionalProperties'] = each;
  return spec;
}

export function calendarsForm(): FormSpec {
  const spec = toForm({ ...prop('calendars'), title: '' });
  const calendar = spec.schema.additionalProperties as Json;
  const days = (calendar['properties'] as Record<string, Json>)['workingDays'];
  days['items'] = { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7] };
  spec.uiSchema['additionalProperties'] = {
    workingDays: { 'ui:widget': 'checkboxes', 'ui:inline': true },
  };
  return spec;
}

export function claimForm(): FormSpec {
  return toForm({ ...prop('claim'), title: '' });
}

export function generalForm(): FormSpec {
  return toForm({
    type: 'object',
    properties: { name: prop('name'), description: prop('description') },
  });
}

export function rulesForm(): FormSpec {
  return toForm({ ...prop('rules'), title: '' });
}

/** The state form: kind, description and meta (pool flag, labels); transitions are edited apart. */
export function stateForm(): FormSpec {
  const node = defs['stateNode'] ?? {};
  const properties = node['properties'] as Record<string, Json>;
  const spec = toForm({
    type: 'object',
    properties: {
      meta: properties['meta'],
      type: properties['type'],
      description: properties['description'],
    },
  });
  spec.uiSchema['meta'] = {
    ...(spec.uiSchema['meta'] as UiSchema),
    'ui:title': '',
    'ui:options': { expandable: false },
  };
  spec.uiSchema['description'] = { 'ui:widget': 'textarea', 'ui:options': { rows: 2 } };
  return spec;
}

/** The transition form: target among the policy's states, re-entry, description. */
export function transitionForm(states: string[]): FormSpec {
  const t = (defs['transition']?.['properties'] ?? {}) as Record<string, Json>;
  return toForm({
    type: 'object',
    properties: {
      target: { ...t['target'], enum: states },
      reenter: t['reenter'],
      description: t['description'],
    },
  });
}

/** An action's params form from its registry paramsSchema. */
export function actionParamsForm(paramsSchema: Json): FormSpec {
  return toForm({ ...paramsSchema, title: '' });
}

/** The fields a policy may keep unique (查重): text and number fields, and any it already lists. */
export function uniqueFieldChoices(entity: Policy['entity']): string[] {
  const properties = entity.schema.properties as Record<string, { type?: unknown }>;
  const listed = entity.uniqueFields ?? [];
  return Object.keys(properties).filter((field) => {
    const type = properties[field]?.type;
    return (
      (typeof type === 'string' && UNIQUE_FIELD_TYPES.includes(type)) || listed.includes(field)
    );
  });
}

/**
 * Entity: fields as rows, the title field, the fields masked while pooled (from the fields) and the
 * unique fields (from those `uniqueFieldChoices` gives).
 */
export function entityForm(fieldNames: string[], uniqueChoices: string[] = fieldNames): FormSpec {
  const spec = toForm({ ...prop('entity'), title: '' });
  const properties = spec.schema.properties as Record<string, Json>;
  const choices = (names: string[]) => (names.length > 0 ? { enum: names } : {});
  properties['schema'] = { type: 'object', title: 'Fields' };
  properties['titleField'] = { ...properties['titleField'], ...choices(fieldNames) };
  properties['maskedInPool'] = {
    ...properties['maskedInPool'],
    items: { type: 'string', ...choices(fieldNames) },
  };
  properties['uniqueFields'] = {
    ...properties['uniqueFields'],
    items: { type: 'string', ...choices(uniqueChoices) },
  };
  spec.uiSchema['schema'] = { 'ui:field': 'schemaFields' };
  spec.uiSchema['maskedInPool'] = { 'ui:widget': 'checkboxes', 'ui:inline': true };
  spec.uiSchema['uniqueFields'] = { 'ui:widget': 'checkboxes', 'ui:inline': true };
  return spec;
}

type EventDefinition = NonNullable<Policy['events']>[string];

/** An event label with any text in it. */
export const hasLabel = (label: EventDefinition['label'] | undefined): boolean =>
  !!label && Object.values(label).some((text) => text !== undefined && text !== '');

/** The event as the policy keeps it: a label emptied again is no label (English is asked of any label). */
export function withoutEmptyLabel(event: EventDefinition): EventDefinition {
  const next = { ...event };
  if (!hasLabel(next.label)) delete next.label;
  return next;
}

/** An event definition's form schema whose label does not mark its English required. */
function optionalLabel(schema: Json): Json {
  const properties = { ...(schema['properties'] as Record<string, Json>) };
  if (properties['label']) {
    const label = { ...properties['label'] };
    delete label['required'];
    properties['label'] = label;
  }
  return { ...schema, properties };
}

/**
 * Every event's definition. One schema serves all of them, so no label's English is marked required
 * (most events have no label); a label with Chinese only is still a problem in the Problems panel.
 */
export function eventsForm(): FormSpec {
  const spec = toForm({ ...prop('events'), title: '' });
  spec.schema.additionalProperties = optionalLabel(spec.schema.additionalProperties as Json);
  const each = (spec.uiSchema['additionalProperties'] ?? {}) as UiSchema;
  each['payload'] = { 'ui:field': 'schemaFields' };
  spec.uiSchema['additionalProperties'] = each;
  return spec;
}

/**
 * One event's definition: label and payload fields. The label is optional: while an event has none,
 * its English text is not marked required (validate() asks for it only once a label is there).
 */
export function eventForm(hasLabelText = true): FormSpec {
  const spec = toForm({ ...(defs['eventDefinition'] ?? {}), title: '' });
  spec.uiSchema['payload'] = { 'ui:field': 'schemaFields' };
  if (!hasLabelText) spec.schema = optionalLabel(spec.schema);
  return spec;
}
