// Serves the built designer (designer/dist) at `/`, with the SPA's index.html for client-side routes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const designerDist = join(import.meta.dirname, '..', '..', '..', 'designer', 'dist');

export const designerPlugin = fp(
  async (app: FastifyInstance, options: { root?: string }) => {
    const root = options.root ?? designerDist;
    if (!existsSync(join(root, 'index.html'))) {
      app.log.warn(`designer not built (${root}); run npm run build`);
      app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
        reply
          .type('text/plain')
          .send('Poolflow API is running. The designer is not built: run `npm run build`.'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
    app.get('/*', { config: { public: true }, schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) {
        return reply.status(404).send({
          error: {
            code: 'POOL_ERR_NOT_FOUND',
            message: `no route ${request.method} ${request.url}`,
          },
        });
      }
      return reply.sendFile('index.html');
    });
  },
  { name: 'designer' },
);
