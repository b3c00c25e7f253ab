// Backups of the embedded database (GET /api/backup, admins); PostgreSQL is backed up with pg_dump.
import { download } from './transfer.api.js';

/** The database the server runs on, as /healthz says. */
export async function databaseKind(): Promise<'pglite' | 'postgres'> {
  const response = await fetch('/healthz');
  return ((await response.json()) as { database: 'pglite' | 'postgres' }).database;
}

/** Downloads a backup named by the time it was asked for; gives its file name and size in bytes. */
export async function downloadBackup(now = new Date()): Promise<{ name: string; bytes: number }> {
  const name = `poolflow-backup-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
  return { name, bytes: await download('/api/backup', name) };
}
