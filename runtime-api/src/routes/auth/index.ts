// Login: username and password -> bearer token.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';

export default function authRoutes(app: FastifyInstance): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        security: [],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 100 },
            password: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
      },
    },
    async (request) => app.auth.login(request.body.username, request.body.password),
  );
}
