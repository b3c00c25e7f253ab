// Every scenario of every template runs on the real engine and meets its expectations.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compile,
  simulate,
  validate,
  validateRouting,
  type Policy,
  type Routing,
  type Scenario,
} from '../engine/src/index.js';

const root = join(import.meta.dirname, '..', 'templates');
const templates = readdirSync(root).filter((d) => existsSync(join(root, d, 'policy.json')));

describe.each(templates)('template %s', (id) => {
  const policy = JSON.parse(readFileSync(join(root, id, 'policy.json'), 'utf8')) as Policy;
  const scenarioDir = join(root, id, 'scenarios');
  const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith('.json'));

  it('is a valid policy with names in English and Chinese', () => {
    expect(validate(policy).problems).toEqual([]);
    expect(policy.id).toBe(id);
    expect(policy.name.zh).toBeTruthy();
  });

  it('ships at least five scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(5);
  });

  // A template may ship an example routing for its entrance pool (routing.json): valid, and the one
  // its scenarios route with.
  const routingFile = join(root, id, 'routing.json');
  it.runIf(existsSync(routingFile))('ships a valid routing example its scenarios use', () => {
    const routing = JSON.parse(readFileSync(routingFile, 'utf8')) as Routing;
    expect(validateRouting(routing, policy.rules)).toEqual([]);
    const routed = scenarios
      .map((file) => JSON.parse(readFileSync(join(scenarioDir, file), 'utf8')) as Scenario)
      .filter((scenario) => scenario.routing !== undefined);
    expect(routed.length).toBeGreaterThan(0);
    for (const scenario of routed) expect(scenario.routing, scenario.name).toEqual(routing);
  });

  const compiled = compile(policy);
  it.each(scenarios)('scenario %s passes', (file) => {
    const scenario = JSON.parse(readFileSync(join(scenarioDir, file), 'utf8')) as Scenario;
    expect(scenario.policy).toBe(id);
    const result = simulate(compiled, scenario);
    expect(result.failures.map((f) => f.message)).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
