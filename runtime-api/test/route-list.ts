// Builds a test app while recording every route it registers, so tests can walk the whole API.
import type { RouteOptions } from 'fastify';
import { build, type Backend, type TestApp } from './helpers.js';

export interface ApiRoute {
  method: string;
  url: string;
  public: boolean;
  hidden: boolean;
}

export async function buildWithRoutes(
  backend: Backend,
): Promise<{ t: TestApp; routes: ApiRoute[] }> {
  const routes: ApiRoute[] = [];
  const onRoute = (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        public: route.config?.public === true,
        hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true,
      });
    }
  };
  const t = await build(backend, { onRoute });
  return { t, routes };
}

/** The routes under /api/, HEAD included (Fastify adds one per GET). */
export function apiRoutes(routes: ApiRoute[]): ApiRoute[] {
  return routes.filter((r) => r.url.startsWith('/api/'));
}

/** A concrete URL for a route: `:pool` -> pool, `:id` -> id, `:v` -> 1. */
export function concrete(url: string, values: { pool?: string; id?: string } = {}): string {
  return url
    .replace(':pool', values.pool ?? 'crm')
    .replace(':id', values.id ?? '00000000-0000-4000-8000-000000000000')
    .replace(':v', '1');
}

export const routeName = (r: { method: string; url: string }): string => `${r.method} ${r.url}`;
