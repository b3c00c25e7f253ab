// Simulation: runs a scenario on a policy document with simulated time and returns the trace. Writes nothing.
// Policy editors only (a simulation runs any rule a document holds); the engine bounds it (SIMULATION_LIMITS
// and the rule budget: 422 POOL_ERR_RULE_BUDGET past them), so it never holds the event loop for long.
import { checkScenario, simulate, type Policy, type Scenario } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { requirePolicyEditor } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { compileDraft } from '../../services/policy-store.js';

export default function simulateRoutes(app: FastifyInstance): void {
  app.post<{ Body: { document: unknown; scenario: unknown } }>('/api/simulate', (request) => {
    requirePolicyEditor(request);
    const { document, scenario } = request.body;
    // compile() validates: once, not again in simulate() (a large document takes milliseconds).
    const compiled = compileDraft(document as Policy);
    // Checked here too (simulate() would throw), so the paths point into this request's body (/body/...,
    // as the schema's own errors do).
    const scenarioProblems = checkScenario(scenario).map((p) => ({
      path: `/body/scenario${p.path === '/' ? '' : p.path}`,
      message: p.message,
    }));
    if (scenarioProblems.length > 0) {
      throw new RuntimeError(
        'POOL_ERR_INVALID_PAYLOAD',
        `scenario is invalid: ${scenarioProblems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        scenarioProblems,
      );
    }
    return simulate(compiled, scenario as Scenario);
  });
}
