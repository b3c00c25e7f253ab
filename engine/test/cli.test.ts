// The poolflow command line: output and exit codes of validate and simulate, in process and as a binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { SimulationResult } from '../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const template = join(root, 'templates', 'crm-customer-pool');
const policyFile = join(template, 'policy.json');
const scenarioFile = (name: string): string => join(template, 'scenarios', `${name}.json`);

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Sink();
  const err = new Sink();
  const code = await main(args, out, err);
  return { code, out: out.text, err: err.text };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'poolflow-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('poolflow validate', () => {
  it('reports a valid template with its size', async () => {
    const r = await run('validate', policyFile);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${policyFile}: valid (6 states, 21 transitions)\n`);
    expect(r.err).toBe('');
  });

  it('prints each problem with its JSON pointer and code, and exits 1', async () => {
    const policy = readJson(policyFile) as {
      machine: { states: Record<string, { on?: Record<string, unknown> }> };
    };
    const pool = policy.machine.states['pool'];
    if (!pool?.on) throw new Error('the template has no pool state');
    pool.on['ASSIGN'] = 'nowhere';
    const file = writeJson('broken-policy.json', policy);
    const r = await run('validate', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^\/machine\/states\/pool\/on\/ASSIGN\s+unknown-state\s+target state "nowhere" does not exist$/m,
    );
    expect(r.out).toContain(`${file}: invalid (1 problem)`);
  });

  it('prints a warning and still reports the policy valid, exit 0', async () => {
    const policy = readJson(join(root, 'templates', 'service-ticket-pool', 'policy.json')) as {
      calendars: { cn: { holidays: string[] } };
    };
    policy.calendars.cn.holidays = ['2020-10-01'];
    const file = writeJson('old-holidays.json', policy);
    const r = await run('validate', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^\/calendars\/cn\/holidays\s+calendar-holidays-ending\s+calendar "cn" lists holidays up to 2020-10-01/m,
    );
    expect(r.out).toMatch(/: valid \(\d+ states, \d+ transitions; 1 warning\)\n$/);
  });

  it('aligns the columns of several problems', async () => {
    const file = writeJson('not-a-policy.json', { id: 'x', version: 'one' });
    const r = await run('validate', file);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(1);
    const codeColumn = lines.map((line) => line.indexOf('schema'));
    expect(new Set(codeColumn).size).toBe(1);
  });

  it('exits 2 naming the file when it is missing or not JSON', async () => {
    const missing = await run('validate', join(dir, 'missing.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`cannot read policy ${join(dir, 'missing.json')}: no such file`);

    const file = join(dir, 'truncated.json');
    writeFileSync(file, '{ "id": ');
    const bad = await run('validate', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${file} is not valid JSON`);
    expect(bad.out).toBe('');
  });
});

describe('poolflow simulate', () => {
  it('prints the trace of a passing scenario: timers, notifications, summary', async () => {
    const r = await run('simulate', policyFile, scenarioFile('01-release-after-30-days'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^\s+\+P23D\s+timer remind\s+-\s+owned -> owned\s+alice\s+-\s+alice \(reminder\)$/m,
    );
    expect(r.out).toMatch(/^\s+\+P30D\s+timer release\s+-\s+owned -> pool\s+-\s/m);
    expect(r.out).toMatch(/^4\s+\+P31D\s+CLAIM\s+bob\s+pool -> owned\s+bob\s.*expect ok$/m);
    expect(r.out).toMatch(/^PASS {2}5 steps, 5 with expectations, all met · 3 timers fired/m);
  });

  it('shows refused steps with their error code', async () => {
    const r = await run('simulate', policyFile, scenarioFile('03-previous-owner-cooldown'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1\s+\+P8D\s+CLAIM\s+alice\s+pool\s.*REFUSED POOL_ERR_COOLDOWN/m);
  });

  it('exits 1 and names the step whose expectation failed', async () => {
    const scenario = readJson(scenarioFile('03-previous-owner-cooldown')) as {
      steps: { expect?: unknown }[];
    };
    const third = scenario.steps[2];
    if (!third) throw new Error('the scenario has fewer than three steps');
    third.expect = { state: 'pool', ownerId: 'bob' };
    const r = await run('simulate', policyFile, writeJson('wrong-expectation.json', scenario));
    expect(r.code).toBe(1);
    expect(r.out).toContain('step 2 (P9D CLAIM): expected state "pool", got "owned"');
    expect(r.out).toContain('step 2 (P9D CLAIM): expected ownerId "bob", got "alice"');
    expect(r.out).toMatch(/^2\s+\+P9D\s+CLAIM.*expect FAILED \(state, ownerId\)$/m);
    expect(r.out).toMatch(/^FAIL {2}1 of 4 steps failed \(2 failed expectations\)/m);
  });

  it('prints the whole result as JSON with --json', async () => {
    const r = await run(
      'simulate',
      '--json',
      policyFile,
      scenarioFile('07-hard-after-third-entry'),
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as SimulationResult;
    expect(result.ok).toBe(true);
    expect(result.final).toMatchObject({ state: 'owned', ownerId: 'sam', tags: ['hard'] });
    expect(result.trace.some((e) => e.rejected?.code === 'POOL_ERR_NOT_ELIGIBLE')).toBe(true);
  });

  it('takes a template id and one of its scenario names', async () => {
    const r = await run('simulate', 'crm-customer-pool', '06-nurture-six-months');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/timer nurtureEnd\s+-\s+nurture -> pool/);
  });

  it('refuses an invalid policy, listing its problems', async () => {
    const policy = readJson(policyFile) as { machine: { initial: string } };
    policy.machine.initial = 'ghost';
    const file = writeJson('no-initial.json', policy);
    const r = await run('simulate', file, scenarioFile('01-release-after-30-days'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file} is not a valid policy`);
    expect(r.err).toContain('/machine/initial');
  });
});

describe('poolflow usage', () => {
  it('prints the usage for --help and for no arguments', async () => {
    for (const args of [['--help'], []]) {
      const r = await run(...args);
      expect(r.code).toBe(0);
      expect(r.out).toContain('simulate POLICY SCENARIO [--json]');
    }
  });

  it('exits 2 with the usage on stderr for an unknown command or wrong arguments', async () => {
    for (const args of [
      ['deploy'],
      ['validate'],
      ['simulate', policyFile],
      ['validate', '-x', 'f'],
    ]) {
      const r = await run(...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain('Usage: poolflow');
    }
  });
});

describe('the poolflow binary', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'engine'], { cwd: root, stdio: 'pipe' });
  }, 120_000);

  it('validates the CRM template and exits 0', () => {
    const out = execFileSync(
      'node',
      ['engine/bin/poolflow.js', 'validate', 'templates/crm-customer-pool/policy.json'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out).toContain('templates/crm-customer-pool/policy.json: valid (6 states');
  });

  it('exits 1 when a scenario expectation fails', () => {
    const scenario = readJson(scenarioFile('05-won-never-released')) as {
      steps: { expect?: unknown }[];
    };
    scenario.steps[0] = { ...scenario.steps[0], expect: { state: 'pool' } };
    const file = writeJson('won-wrong.json', scenario);
    const r = spawnSync('node', ['engine/bin/poolflow.js', 'simulate', 'crm-customer-pool', file], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('step 0 (P5D WIN): expected state "pool", got "won"');
  });
});
