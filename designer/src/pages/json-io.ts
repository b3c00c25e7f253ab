// JSON import and export of the policy document.
import type { Policy } from '@poolflow/engine';
import { saveBlob } from '../api/save-file.js';
import type { I18n } from '../i18n/i18n.js';

export function exportPolicy(policy: Policy): void {
  const blob = new Blob([`${JSON.stringify(policy, null, 2)}\n`], { type: 'application/json' });
  saveBlob(blob, `${policy.id}.json`);
}

/**
 * Why an imported file was refused: not JSON at all, or a part the editor draws from (the states, the
 * entity's fields) missing or of the wrong kind, named by its path.
 */
export class PolicyImportError extends Error {
  constructor(
    readonly reason: 'notJson' | 'notObject' | 'notList',
    readonly path: string,
    detail = '',
  ) {
    super(
      reason === 'notJson'
        ? detail
        : `${path}: expected ${reason === 'notList' ? 'a list' : 'an object'}`,
    );
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * Parses an imported document; it takes the edited policy's id, since the draft is stored under it.
 * Everything else the policy schema asks for is left to the Problems panel, but what the canvas and
 * the inspector read must be there: a document without `entity` drew, then blanked the page at the
 * first click on a state or on Entity fields (and was already saved as the draft).
 */
export function parseImportedPolicy(text: string, id: string): Policy {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PolicyImportError('notJson', '', (e as Error).message);
  }
  const need = (value: unknown, path: string): Record<string, unknown> => {
    if (!isObject(value)) throw new PolicyImportError('notObject', path);
    return value;
  };
  const doc = need(data, '/');
  const states = need(need(doc['machine'], '/machine')['states'], '/machine/states');
  const entity = need(doc['entity'], '/entity');
  need(need(entity['schema'], '/entity/schema')['properties'], '/entity/schema/properties');
  for (const [name, state] of Object.entries(states)) {
    const at = `/machine/states/${name}`;
    const node = need(state, at);
    for (const key of ['on', 'after']) {
      if (node[key] !== undefined) need(node[key], `${at}/${key}`);
    }
    for (const key of ['entry', 'exit']) {
      if (node[key] !== undefined && !Array.isArray(node[key])) {
        throw new PolicyImportError('notList', `${at}/${key}`);
      }
    }
  }
  return { ...(doc as unknown as Policy), id };
}

/** Why an import was refused, in the user's language. */
export function importProblem(error: unknown, t: I18n['t']): string {
  if (!(error instanceof PolicyImportError)) return (error as Error).message;
  if (error.reason === 'notJson') return t('importNotJson', { message: error.message });
  return t(error.reason === 'notList' ? 'importNotList' : 'importNotObject', { path: error.path });
}
