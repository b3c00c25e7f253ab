// `npm test` starts with scripts/ensure-chromium.mjs: it passes where the browser is, and where it is not
// (and cannot be installed) it stops the run with a message that says what to do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'scripts', 'ensure-chromium.mjs');

function ensure(chromiumPath: string) {
  return spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, CHROMIUM_PATH: chromiumPath },
  });
}

describe('ensure-chromium', () => {
  it('passes when the browser binary is there', () => {
    const result = ensure(process.execPath);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('fails, naming the missing binary and the fix, when a given path does not exist', () => {
    const result = ensure('/nonexistent/chromium');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('/nonexistent/chromium');
    expect(result.stderr).toContain('apt-get install chromium');
  });
});
