// GET /api/actions: the actions this server knows (built-in and custom), with their params schemas for forms.
import { actions } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';

export default function actionRoutes(app: FastifyInstance): void {
  app.get('/api/actions', () => ({
    items: actions.list().map((a) => ({
      type: a.type,
      description: a.description ?? '',
      paramsSchema: a.paramsSchema,
    })),
  }));
}
