// `poolflow validate FILE`: a policy's problems as aligned `PATH  CODE  MESSAGE` lines, or a summary.
import type { Policy, Transitions } from '../schema.types.js';
import { validate, type Problem } from '../validate.js';
import { EXIT } from './cli.error.js';
import { readJson } from './read-json.js';
import { resolvePolicy } from './resolve-input.js';
import { formatTable, plural } from './text-table.js';

function count(value: Transitions | undefined): number {
  if (value === undefined) return 0;
  return Array.isArray(value) ? value.length : 1;
}

/** States and transitions (every `on`, `after` and `always` branch) of a valid policy. */
export function machineSize(policy: Policy): { states: number; transitions: number } {
  const states = Object.values(policy.machine.states);
  let transitions = 0;
  for (const node of states) {
    for (const t of Object.values(node.on ?? {})) transitions += count(t);
    for (const t of Object.values(node.after ?? {})) transitions += count(t);
    transitions += count(node.always);
  }
  return { states: states.length, transitions };
}

/** Problems as aligned lines; the root pointer "" shows as "/". */
export function problemLines(problems: readonly Problem[]): string[] {
  return formatTable(problems.map((p) => [p.path || '/', p.code, p.message]));
}

export async function validateCommand(arg: string, out: (line: string) => void): Promise<number> {
  const { file } = resolvePolicy(arg);
  const document = await readJson(file, 'policy');
  const result = validate(document);
  if (!result.valid) {
    for (const line of problemLines(result.problems)) out(line);
    out(`${file}: invalid (${plural(result.problems.length, 'problem')})`);
    return EXIT.failed;
  }
  // Warnings are printed as problems are, but leave the policy valid and the exit code 0.
  for (const line of problemLines(result.warnings)) out(line);
  const size = machineSize(document as Policy);
  const warned = result.warnings.length > 0 ? `; ${plural(result.warnings.length, 'warning')}` : '';
  out(
    `${file}: valid (${plural(size.states, 'state')}, ${plural(size.transitions, 'transition')}${warned})`,
  );
  return EXIT.ok;
}
