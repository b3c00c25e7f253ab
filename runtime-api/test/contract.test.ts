// The served OpenAPI document passes Redocly's recommended rules, and covers every route with its contract.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, statusesOf } from '../src/api-contract.js';
import { checkReplies, contractViolations } from './contract-check.js';
import { backends, call, type TestApp } from './helpers.js';
import { apiRoutes, buildWithRoutes, routeName, type ApiRoute } from './route-list.js';

describe.each(backends)('the API contract (%s)', (backend) => {
  let t: TestApp;
  let routes: ApiRoute[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the OpenAPI document as JSON
  let doc: any;

  beforeAll(async () => {
    ({ t, routes } = await buildWithRoutes(backend));
    doc = (await call(t.app, null, 'GET', '/api/openapi.json')).body;
  });
  afterAll(() => t.close());

  it("passes Redocly's recommended rules with no error", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: 'openapi.json',
      config,
    });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(errors).toEqual([]);
    // The one warning left: the project has chosen no license to name in the document.
    expect(problems.map((p) => p.ruleId)).toEqual(['info-license']);
  });

  it('gives every operation a summary, a unique operationId and every status it can answer', () => {
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- OpenAPI operation objects
        Object.entries(methods).map(([method, op]: [string, any]) => ({ path, method, op })),
    );
    expect(documented.length).toBe(Object.keys(operations).length);
    const ids = documented.map((d) => d.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of documented) {
      const declared = operations[op.operationId as string]!;
      expect(`${declared.method} ${declared.url.replace(/:(\w+)/g, '{$1}')}`).toBe(
        `${method.toUpperCase()} ${path}`,
      );
      expect(op.summary, `${method} ${path}`).toMatch(/\w/);
      expect(Object.keys(op.responses).map(Number)).toEqual(statusesOf(declared));
      for (const [status, reply] of Object.entries(op.responses as Record<string, object>)) {
        // Every error reply is the error component.
        if (Number(status) >= 400)
          expect(reply).toMatchObject({
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/api.schema.json-error' },
              },
            },
          });
      }
    }
    // The routes the server registers are exactly the contract's operations.
    const registered = apiRoutes(routes)
      .filter((r) => !r.hidden && r.method !== 'HEAD')
      .map(routeName);
    expect(registered.sort()).toEqual(
      Object.values(operations)
        .map((o) => `${o.method} ${o.url}`)
        .sort(),
    );
  });

  it('says POST /api/policies answers 201 Created, as it does', () => {
    expect(Object.keys(doc.paths['/api/policies'].post.responses)).toContain('201');
    expect(Object.keys(doc.paths['/api/policies'].post.responses)).not.toContain('200');
  });
});

describe('the reply check every route test runs under (contract-check.ts)', () => {
  const route = {
    method: 'GET',
    url: '/api/example',
    handler: () => undefined,
    schema: {
      response: {
        200: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
    },
  } as unknown as RouteOptions;
  checkReplies(route);
  const [keepRaw] = route.preSerialization as unknown as ((...a: unknown[]) => Promise<unknown>)[];
  const [check] = route.onSend as unknown as ((...a: unknown[]) => Promise<unknown>)[];
  const reply = (statusCode: number) =>
    ({ statusCode, getHeader: () => 'application/json; charset=utf-8' }) as unknown as FastifyReply;

  async function send(status: number, handlerSent: unknown, serialized: string) {
    const request = {} as FastifyRequest;
    await keepRaw!(request, reply(status), handlerSent);
    await check!(request, reply(status), serialized);
    return contractViolations.splice(0);
  }

  it('passes a reply that matches, and fails one the schema does not describe', async () => {
    expect(await send(200, { id: 'a' }, '{"id":"a"}')).toEqual([]);
    expect(await send(200, { id: 1 }, '{"id":1}')).toEqual([
      expect.stringContaining('must be string'),
    ]);
    // The serializer dropped a field the schema lacks: the client would never see it.
    expect(await send(200, { id: 'a', extra: 1 }, '{"id":"a"}')).toEqual([
      expect.stringContaining('dropped or changed'),
    ]);
    expect(await send(404, { error: {} }, '{"error":{}}')).toEqual([
      expect.stringContaining('GET /api/example 404'),
    ]);
  });
});
