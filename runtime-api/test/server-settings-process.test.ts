// Settings that take one of a few words (README, Environment): a typo stops `npm start` with a message
// naming the variable, before anything is written. `POOLFLOW_CLOCK=Manual` ran on the system clock and
// `POOLFLOW_WEBHOOK_ALLOW_PRIVATE=true` allowed nothing, both without a word.
import { describe, expect, it } from 'vitest';
import { freePort, ServerProcess, serverStorage } from './server-process.js';

describe('word settings of the real server', () => {
  it.each([
    ['POOLFLOW_CLOCK', 'Manual', 'POOLFLOW_CLOCK must be one of system, manual (it is "Manual")'],
    [
      'POOLFLOW_WEBHOOK_ALLOW_PRIVATE',
      'true',
      'POOLFLOW_WEBHOOK_ALLOW_PRIVATE must be one of 0, 1 (it is "true")',
    ],
  ])('refuses %s=%s, naming it', async (name, value, message) => {
    const storage = await serverStorage('pglite');
    try {
      const server = new ServerProcess(await freePort(), { ...storage.env, [name]: value });
      expect(await server.exited).toBe(1);
      expect(server.lines.join('\n')).toContain(message);
    } finally {
      await storage.cleanup();
    }
  });
});
