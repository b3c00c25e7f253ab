// The embedded database folder's lock (data-dir-lock.ts): which locks refuse a start and which are left
// over by a process that ended and are taken over. The real server's refusal is in data-dir-lock-process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../src/db/data-dir-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'poolflow-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockPath = () => join(dir, LOCK_FILE);
/** The pid of a process that has ended (and been reaped). */
const endedPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('lockDataDir', () => {
  it('refuses a second lock while the first is held, and frees the folder on release', () => {
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.pid}`);
    release();
    expect(existsSync(lockPath())).toBe(false);
    lockDataDir(dir)();
    expect(readdirLeftovers()).toEqual([]);
  });

  it.each([
    ['a process that ended', () => JSON.stringify({ pid: endedPid() })],
    ['a file that is not a lock', () => 'garbage'],
    // A restarted container: its process has the pid again, but started later.
    ['this pid in an earlier process', () => JSON.stringify({ pid: process.pid, started: '1' })],
  ])('takes over a lock left by %s', (_name, content) => {
    writeFileSync(lockPath(), content());
    const release = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
    expect(readdirLeftovers()).toEqual([]);
  });

  it('refuses a lock of a live process that runs as this one does', () => {
    // The parent of this test process (vitest's main process) is alive.
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid }));
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
    expect(readdirLeftovers()).toEqual([LOCK_FILE]);
  });
});

/** Files of the lock (the lock, drafts, stale copies) in the folder. */
function readdirLeftovers(): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(LOCK_FILE));
}
