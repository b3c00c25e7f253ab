// Simulation: runs a scenario on a policy document with simulated time and returns the trace. Writes nothing.
import { checkScenario, simulate, validate, type Policy, type Scenario } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { RuntimeError } from '../../runtime.error.js';

export default function simulateRoutes(app: FastifyInstance): void {
  app.post<{ Body: { document: unknown; scenario: unknown } }>(
    '/api/simulate',
    {
      schema: {
        tags: ['policies'],
        body: { $ref: 'api.schema.json#/definitions/simulateBody' },
        response: { 200: { $ref: 'api.schema.json#/definitions/simulation' } },
      },
    },
    (request) => {
      const { document, scenario } = request.body;
      const result = validate(document);
      if (!result.valid) {
        const problems = result.problems.map((p) => ({ ...p, path: `/document${p.path}` }));
        throw new RuntimeError(
          'POOL_ERR_INVALID_POLICY',
          `policy is invalid: ${problems
            .slice(0, 5)
            .map((p) => `${p.path} ${p.message}`)
            .join('; ')}`,
          problems,
        );
      }
      // Checked here too (simulate() would throw), so the paths point into this request's body.
      const scenarioProblems = checkScenario(scenario).map((p) => ({
        path: `/scenario${p.path === '/' ? '' : p.path}`,
        message: p.message,
      }));
      if (scenarioProblems.length > 0) {
        throw new RuntimeError(
          'POOL_ERR_INVALID_PAYLOAD',
          `scenario is invalid: ${scenarioProblems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
          scenarioProblems,
        );
      }
      return simulate(document as Policy, scenario as Scenario);
    },
  );
}
