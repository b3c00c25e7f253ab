// The poolflow command line: `validate FILE` and `simulate POLICY SCENARIO [--json]`.
import type { Writable } from 'node:stream';

export async function main(args: string[], out: Writable, err: Writable): Promise<number> {
  await Promise.resolve();
  out.write('');
  err.write(`poolflow: not yet implemented (${args.join(' ')})\n`);
  return 2;
}
