// One process at a time on an embedded database folder. PGlite keeps the database in the memory of the
// process that opened it and writes it back to the folder, and writes no real postmaster.pid (its pid is
// -42): a second `npm start` or `npm run demo` on the same folder opened it without a word, each process
// saw only its own writes, and whichever wrote last won: the other's users and records were gone after a
// restart. The lock is a file in the folder naming the process that holds it, as PostgreSQL's
// postmaster.pid does: a live holder refuses the start; a holder that ended (kill -9, a crash, a container
// restarted with the same pids) is taken over without anyone deleting files.
// A pid says nothing outside its own pid namespace: two containers (or hosts) sharing the folder each
// see the other's pid as some process of their own, or none. So the lock also names where its holder
// runs (the boot and the pid namespace), and the holder refreshes the lock's time every few seconds: a
// lock taken elsewhere is alive while its time keeps moving, and stale once it has not for three beats.
import {
  linkSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';

export const LOCK_FILE = 'poolflow.lock';

/** The folder is in use by another live process: the start stops with this message. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** How often a holder refreshes its lock's time, in ms; a lock taken elsewhere is stale after 3 beats. */
export const HEARTBEAT_MS = 2000;

export interface LockOptions {
  heartbeatMs?: number;
  /** Where this process runs (placeOf()); a test stands in for a process of another container. */
  place?: string | undefined;
}

interface Holder {
  pid: number;
  /** Linux: the process's start time (/proc/<pid>/stat), which tells a reused pid from the holder. */
  started?: string;
  /** Linux: the boot and pid namespace the holder runs in (placeOf); its pid means nothing elsewhere. */
  place?: string;
}

/**
 * Takes the lock of the embedded database in `dir`, or throws DataDirInUseError naming the process that
 * holds it. Returns the release (the lock is removed only while it is still this process's). A lock taken
 * in another place may take up to three heartbeats to judge (its time is watched for a beat).
 */
export async function lockDataDir(dir: string, options: LockOptions = {}): Promise<() => void> {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const lock = join(dir, LOCK_FILE);
  const own: Holder = { pid: process.pid };
  const started = startTime(process.pid);
  if (started !== undefined) own.started = started;
  const place = 'place' in options ? options.place : placeOf();
  if (place !== undefined) own.place = place;
  const mine = JSON.stringify(own);
  const taken = (): (() => void) => {
    // The heartbeat: the lock's time, refreshed while it is still this process's.
    const beat = setInterval(() => {
      try {
        if (readText(lock) === mine) utimesSync(lock, new Date(), new Date());
      } catch {
        // the folder is gone or unwritable: the next beat tries again
      }
    }, heartbeatMs);
    beat.unref();
    return () => {
      clearInterval(beat);
      if (readText(lock) === mine) unlinkSync(lock);
    };
  };
  // The lock appears whole or not at all: written aside, then hard-linked into place (which fails when a
  // lock exists).
  const draft = `${lock}.${process.pid}`;
  writeFileSync(draft, mine);
  try {
    // Bounded: a stale lock is taken over, and a race with another process starting at the same moment
    // is settled, within three tries.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(draft, lock);
        return taken();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const text = readText(lock);
      if (text === undefined) continue; // released meanwhile
      const holder = parseHolder(text);
      if (holder?.place !== undefined && place !== undefined && holder.place !== place) {
        const state = await beating(lock, text, heartbeatMs);
        if (state === 'changed') continue;
        if (state === 'alive') throw inUse(dir, lock, holder.pid, true);
      } else if (holder && holderAlive(holder)) throw inUse(dir, lock, holder.pid, false);
      // Stale: move it aside. If what was moved is not what was read, another process took the stale
      // lock over in between: put its lock back and try again (its holder is alive now).
      const aside = `${lock}.stale.${process.pid}`;
      try {
        renameSync(lock, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        continue;
      }
      if (readText(aside) !== text) {
        try {
          linkSync(aside, lock);
        } catch {
          // another lock is in place already: the next try reads it
        }
      }
      unlinkSync(aside);
    }
    throw new DataDirInUseError(
      `Could not take the lock ${lock}: other processes keep taking it. Start one Poolflow process per POOLFLOW_DATA_DIR.`,
    );
  } finally {
    unlinkSync(draft);
  }
}

/**
 * Whether the holder of a lock taken in another place is alive: its time moved within the last three
 * beats and moves again within the next (watched a quarter beat at a time), or the lock changed meanwhile.
 */
async function beating(
  lock: string,
  text: string,
  heartbeatMs: number,
): Promise<'alive' | 'stale' | 'changed'> {
  const first = mtimeOf(lock);
  if (first === undefined) return 'changed';
  const staleAt = first + 3 * heartbeatMs;
  while (Date.now() < staleAt) {
    await wait(Math.max(1, Math.min(heartbeatMs / 4, staleAt - Date.now())));
    if (readText(lock) !== text) return 'changed';
    if (mtimeOf(lock) !== first) return 'alive';
  }
  return 'stale';
}

/** Prints a DataDirInUseError's message and stops the process; rethrows anything else. */
export function exitIfDataDirInUse(error: unknown): never {
  if (error instanceof DataDirInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

function inUse(dir: string, lock: string, pid: number, elsewhere: boolean): DataDirInUseError {
  const who = elsewhere
    ? `process ${pid} of another container or host (its lock is refreshed every few seconds)`
    : `process ${pid}`;
  return new DataDirInUseError(
    `The embedded database in ${dir} is in use by ${who} (another \`npm start\` or \`npm run demo\`?). ` +
      `Two processes on one folder overwrite each other's writes: stop that process first, or set POOLFLOW_DATA_DIR ` +
      `to another folder. If no Poolflow process runs, delete ${lock}.`,
  );
}

/** A file's modification time in ms; undefined once it is gone. */
function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Where this process runs: the boot (a pid namespace's id is reused after a reboot) and the pid namespace;
 * undefined where there is no /proc.
 */
export function placeOf(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The holder a lock names; undefined for a file that is not a lock (taken as stale). */
function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (!Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    const holder: Holder = { pid: value.pid as number };
    if (typeof value.started === 'string') holder.started = value.started;
    if (typeof value.place === 'string') holder.place = value.place;
    return holder;
  } catch {
    return undefined;
  }
}

/** Whether the process a lock names still runs (and is the one that took it, where Linux tells). */
function holderAlive(holder: Holder): boolean {
  const now = startTime(holder.pid);
  if (holder.pid === process.pid) {
    // This very process (a second open of the folder) holds it; the same pid with another start time is a
    // lock left by an earlier process that had this pid (a restarted container).
    return holder.started !== undefined && now === holder.started;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    // EPERM: the process runs as another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (now === 'zombie') return false;
  return holder.started === undefined || now === undefined || now === holder.started;
}

/**
 * A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), 'zombie' for a process
 * that has ended but not been reaped, undefined where there is no /proc (or no such process).
 */
function startTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: the fields after it start at 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return 'zombie';
  return fields[19];
}
