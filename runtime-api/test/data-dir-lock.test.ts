// The embedded database folder's lock (data-dir-lock.ts): which locks refuse a start and which are left
// over by a process that ended and are taken over, here and in another container sharing the folder
// (judged by the lock's heartbeat, on fake timers). The real server's refusal is in data-dir-lock-process.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DataDirInUseError,
  HEARTBEAT_MS,
  LOCK_FILE,
  lockDataDir,
  placeOf,
} from '../src/db/data-dir-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'poolflow-lock-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const lockPath = () => join(dir, LOCK_FILE);
/** The pid of a process that has ended (and been reaped). */
const endedPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('lockDataDir', () => {
  it('refuses a second lock while the first is held, and frees the folder on release', async () => {
    const release = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({
      pid: process.pid,
      place: placeOf(),
    });
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirInUseError);
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${process.pid}`);
    release();
    expect(existsSync(lockPath())).toBe(false);
    (await lockDataDir(dir))();
    expect(readdirLeftovers()).toEqual([]);
  });

  it.each([
    ['a process that ended', () => JSON.stringify({ pid: endedPid() })],
    ['a file that is not a lock', () => 'garbage'],
    // A restarted container: its process has the pid again, but started later.
    ['this pid in an earlier process', () => JSON.stringify({ pid: process.pid, started: '1' })],
  ])('takes over a lock left by %s', async (_name, content) => {
    writeFileSync(lockPath(), content());
    const release = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    release();
    expect(readdirLeftovers()).toEqual([]);
  });

  it('refuses a lock of a live process that runs as this one does', async () => {
    // The parent of this test process (vitest's main process) is alive.
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, place: placeOf() }));
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${process.ppid}`);
    expect(readdirLeftovers()).toEqual([LOCK_FILE]);
  });
});

// Two containers on one folder: each has its own pids, so a pid in the other's lock names no process
// (or another one). Container A is this process's lock as it is; container B is a second lock call that
// says it runs elsewhere (`place`).
describe('lockDataDir across containers', () => {
  const elsewhere = { place: 'another-boot/pid:[4026532999]' };
  const mtime = () => statSync(lockPath()).mtimeMs;

  it('refuses a lock whose holder elsewhere keeps refreshing it, however its pid looks here', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'setInterval', 'clearInterval'] });
    const release = await lockDataDir(dir);
    // A's pid means nothing to B: only the lock's heartbeat does. A beat refreshes the lock's time.
    const before = mtime();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(mtime()).toBeGreaterThan(before);
    const refused = expect(lockDataDir(dir, elsewhere)).rejects.toThrow(
      `in use by process ${process.pid} of another container or host`,
    );
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 3);
    await refused;
    release();
    expect(readdirLeftovers()).toEqual([]);
  });

  it('refuses a lock naming a pid that is no process here while its holder elsewhere refreshes it', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'setInterval', 'clearInterval'] });
    // The holder runs in container B (its place), with a pid container A does not have: by its pid alone
    // the lock was stale, and A opened the folder B was writing.
    const pid = endedPid();
    writeFileSync(lockPath(), JSON.stringify({ pid, place: elsewhere.place }));
    const beat = setInterval(() => utimesSync(lockPath(), new Date(), new Date()), HEARTBEAT_MS);
    try {
      const refused = expect(lockDataDir(dir)).rejects.toThrow(
        `in use by process ${pid} of another container or host`,
      );
      await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 3);
      await refused;
      expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid });
    } finally {
      clearInterval(beat);
    }
  });

  it('takes over a lock whose holder elsewhere has stopped refreshing it (kill -9 there)', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'setInterval', 'clearInterval'] });
    // The holder's pid is alive here (this very process), as a pid of the other container may well be.
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, place: placeOf() }));
    const last = new Date(Date.now() - HEARTBEAT_MS);
    utimesSync(lockPath(), last, last);
    // Its last beat was one beat ago: watched for two more, it does not move, and it is taken over.
    let taken: (() => void) | undefined;
    const taking = lockDataDir(dir, elsewhere).then((release) => (taken = release));
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(taken, 'judged before three beats passed').toBeUndefined();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    await taking;
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({
      pid: process.pid,
      place: elsewhere.place,
    });
    taken!();
    expect(readdirLeftovers()).toEqual([]);
  });

  it('takes a lock left elsewhere long ago at once', async () => {
    writeFileSync(lockPath(), JSON.stringify({ pid: process.ppid, place: placeOf() }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPath(), old, old);
    (await lockDataDir(dir, elsewhere))();
    expect(readdirLeftovers()).toEqual([]);
  });
});

/** Files of the lock (the lock, drafts, stale copies) in the folder. */
function readdirLeftovers(): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(LOCK_FILE));
}
