// Requests Node's HTTP parser refuses (a header too large, a header that is not valid HTTP) are answered
// with the contract's error shape and the security headers, like every other error of the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, listen, type TestApp } from './helpers.js';
import { raw } from './server-process.js';

describe('requests the HTTP parser refuses', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await build('pglite');
    base = await listen(t.app);
  });
  afterAll(() => t.close());

  it('answers a header that is not valid HTTP with a POOL_ERR_* error naming /headers', async () => {
    const res = await raw(base, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n');
    expect(res.status).toBe(400);
    // It was Fastify's own {"error":"Bad Request","message":"Client Error","statusCode":400}.
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'POOL_ERR_INVALID_PAYLOAD',
        message: '/headers hold a header that is not valid HTTP',
        details: [{ path: '/headers', message: 'hold a header that is not valid HTTP' }],
      },
    });
    expect(res.headers).toContain('content-type: application/json');
    expect(res.headers).toContain('x-frame-options: deny');
  });

  it('answers headers past the size limit with 431 POOL_ERR_TOO_LARGE', async () => {
    const big = 'a'.repeat(20_000);
    const res = await raw(base, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
    expect(res.status).toBe(431);
    const body = JSON.parse(res.body) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('POOL_ERR_TOO_LARGE');
    expect(body.error.details[0]?.path).toBe('/headers');
    expect(res.headers).toContain('content-security-policy:');
  });

  it('answers a request line that is not HTTP with a POOL_ERR_* error', async () => {
    const res = await raw(base, 'NOT HTTP AT ALL\r\n\r\n');
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe(
      'POOL_ERR_INVALID_PAYLOAD',
    );
  });
});

describe('a request that does not arrive in time', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    // Fastify's default is no limit: a body shorter than its Content-Length held the connection for ever.
    t = await build('pglite', { requestTimeoutMs: 400 });
    base = await listen(t.app);
  });
  afterAll(() => t.close());

  it('answers a body shorter than its Content-Length with 408 and closes the connection', async () => {
    const body = '{"username"';
    const res = await raw(
      base,
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\n\r\n${body}`,
    );
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toEqual({
      error: {
        code: 'POOL_ERR_INVALID_PAYLOAD',
        message: '/ did not arrive in time',
        details: [{ path: '/', message: 'did not arrive in time' }],
      },
    });
    expect(res.headers).toContain('connection: close');
  });
});
