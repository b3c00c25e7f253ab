// One process at a time on an embedded database folder. PGlite keeps the database in the memory of the
// process that opened it and writes it back to the folder, and writes no real postmaster.pid (its pid is
// -42): a second `npm start` or `npm run demo` on the same folder opened it without a word, each process
// saw only its own writes, and whichever wrote last won: the other's users and records were gone after a
// restart. The lock is a file in the folder naming the process that holds it, as PostgreSQL's
// postmaster.pid does: a live holder refuses the start; a holder that ended (kill -9, a crash, a container
// restarted with the same pids) is taken over without anyone deleting files.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'poolflow.lock';

/** The folder is in use by another live process: the start stops with this message. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

interface Holder {
  pid: number;
  /** Linux: the process's start time (/proc/<pid>/stat), which tells a reused pid from the holder. */
  started?: string;
}

/**
 * Takes the lock of the embedded database in `dir`, or throws DataDirInUseError naming the process that
 * holds it. Returns the release (the lock is removed only while it is still this process's).
 */
export function lockDataDir(dir: string): () => void {
  const lock = join(dir, LOCK_FILE);
  const own: Holder = { pid: process.pid };
  const started = startTime(process.pid);
  if (started !== undefined) own.started = started;
  const mine = JSON.stringify(own);
  const release = (): void => {
    if (readText(lock) === mine) unlinkSync(lock);
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
        return release;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const text = readText(lock);
      if (text === undefined) continue; // released meanwhile
      const holder = parseHolder(text);
      if (holder && holderAlive(holder)) throw inUse(dir, lock, holder.pid);
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

/** Prints a DataDirInUseError's message and stops the process; rethrows anything else. */
export function exitIfDataDirInUse(error: unknown): never {
  if (error instanceof DataDirInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

function inUse(dir: string, lock: string, pid: number): DataDirInUseError {
  return new DataDirInUseError(
    `The embedded database in ${dir} is in use by process ${pid} (another \`npm start\` or \`npm run demo\`?). ` +
      `Two processes on one folder overwrite each other's writes: stop that process first, or set POOLFLOW_DATA_DIR ` +
      `to another folder. If no Poolflow process runs, delete ${lock}.`,
  );
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
    return typeof value.started === 'string'
      ? { pid: value.pid as number, started: value.started }
      : { pid: value.pid as number };
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
