// The poolflow command line: `validate FILE` and `simulate POLICY SCENARIO [--json]`.
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { EngineError } from '../engine.error.js';
import { CliError, EXIT } from './cli.error.js';
import { importCommand } from './import.command.js';
import { simulateCommand } from './simulate.command.js';
import { validateCommand } from './validate.command.js';

export const USAGE = `Usage: poolflow <command> [options]

Commands:
  validate FILE                      check a policy document and list its problems
  simulate POLICY SCENARIO [--json]  run a scenario on the engine and print its trace
  import FILE --pool KEY [--url URL] [--token TOKEN]
                                     stream a CSV or NDJSON file into a pool of a running server

POLICY is a policy JSON file or a template id (e.g. crm-customer-pool); with a template id,
SCENARIO may also name one of the template's scenarios (e.g. 01-release-after-30-days).

Options:
  --json      print the whole simulation result as JSON
  --pool      pool key (import)
  --url       server URL (import; default http://127.0.0.1:3000)
  --token     bearer token (import; default $POOLFLOW_TOKEN)
  -h, --help  show this help

Exit codes: 0 ok, 1 problems or failed expectations, 2 usage error or unreadable input.`;

function lineWriter(stream: Writable): (line: string) => void {
  return (line) => {
    stream.write(`${line}\n`);
  };
}

interface Parsed {
  positionals: string[];
  json: boolean;
  help: boolean;
  pool: string | undefined;
  url: string | undefined;
  token: string | undefined;
}

function parse(args: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        pool: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
      },
    });
    return {
      positionals,
      json: values.json === true,
      help: values.help === true,
      pool: values.pool,
      url: values.url,
      token: values.token,
    };
  } catch (e) {
    throw CliError.usage((e as Error).message);
  }
}

async function run(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { positionals, json, help, pool, url, token } = parse(args);
  const [command, ...rest] = positionals;
  if (help || command === undefined || command === 'help') {
    out(USAGE);
    return EXIT.ok;
  }
  if (command === 'validate' && rest.length === 1 && !json) {
    return validateCommand(rest[0] as string, out);
  }
  if (command === 'simulate' && rest.length === 2) {
    const [policy, scenario] = rest as [string, string];
    return simulateCommand(policy, scenario, { json, out, warn: err });
  }
  if (command === 'import' && rest.length === 1) {
    if (!pool) throw CliError.usage('import needs --pool KEY');
    return importCommand(rest[0] as string, {
      pool,
      url: url ?? 'http://127.0.0.1:3000',
      token: token ?? process.env['POOLFLOW_TOKEN'],
      out,
      progress: err,
    });
  }
  if (command === 'validate' && json) throw CliError.usage('--json is an option of simulate only');
  if (command === 'validate') throw CliError.usage('validate takes one argument: FILE');
  if (command === 'simulate') throw CliError.usage('simulate takes two arguments: POLICY SCENARIO');
  throw CliError.usage(`unknown command "${command}"`);
}

/** Runs the command line on `args` (without node and the script); resolves to the exit code. */
export async function main(args: string[], out: Writable, err: Writable): Promise<number> {
  const print = lineWriter(out);
  const fail = lineWriter(err);
  try {
    return await run(args, print, fail);
  } catch (e) {
    if (e instanceof CliError) {
      fail(`poolflow: ${e.message}`);
      for (const line of e.lines) fail(line);
      if (e.showUsage) fail(`\n${USAGE}`);
      return e.exitCode;
    }
    if (e instanceof EngineError) {
      fail(`poolflow: ${e.code}: ${e.message}`);
      return EXIT.failed;
    }
    fail(`poolflow: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failed;
  }
}
