// JSON import and export of the policy document.
import type { Policy } from '@poolflow/engine';

export function exportPolicy(policy: Policy): void {
  const blob = new Blob([`${JSON.stringify(policy, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${policy.id}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Parses an imported document; it takes the edited policy's id, since the draft is stored under it. */
export function parseImportedPolicy(text: string, id: string): Policy {
  const data = JSON.parse(text) as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new Error('expected an object');
  const doc = data as Partial<Policy>;
  if (!doc.machine || typeof doc.machine !== 'object' || !doc.machine.states) {
    throw new Error('no machine.states');
  }
  return { ...(doc as Policy), id };
}
