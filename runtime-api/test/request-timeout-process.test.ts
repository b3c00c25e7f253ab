// `npm start` cuts off a request that does not arrive within POOLFLOW_REQUEST_TIMEOUT_MS: a body shorter
// than its Content-Length is answered 408 and its connection closed, watched from outside over a socket.
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, raw, ServerProcess, serverStorage } from './server-process.js';

describe('the request time-out of the real server', () => {
  let server: ServerProcess | undefined;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  afterEach(async () => {
    await server?.stop();
    await cleanup();
    server = undefined;
  });

  it('answers a body shorter than its Content-Length with 408 once the time-out passes', async () => {
    const storage = await serverStorage('pglite');
    cleanup = storage.cleanup;
    server = new ServerProcess(await freePort(), {
      ...storage.env,
      POOLFLOW_REQUEST_TIMEOUT_MS: '1000',
    });
    await server.started();
    const body = '{"username"';
    const res = await raw(
      server.base,
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 100}\r\n\r\n${body}`,
    );
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'POOL_ERR_INVALID_PAYLOAD', details: [{ path: '/' }] },
    });
  });

  it('refuses to start on a time-out that is no whole number of at least 1000 ms, naming it', async () => {
    const storage = await serverStorage('pglite');
    cleanup = storage.cleanup;
    server = new ServerProcess(await freePort(), {
      ...storage.env,
      POOLFLOW_REQUEST_TIMEOUT_MS: '10',
    });
    expect(await server.exited).toBe(1);
    expect(server.lines.join('\n')).toContain('POOLFLOW_REQUEST_TIMEOUT_MS must be a whole number');
  });
});
