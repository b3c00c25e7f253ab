// A backup of the embedded database while the server runs (admins): the file `npm run restore` reads back.
// PostgreSQL is backed up with its own tools (pg_dump), which the README names.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

export default function backupRoutes(app: FastifyInstance): void {
  app.get('/api/backup', async (request, reply) => {
    requireRole(request, 'admin');
    if (!app.dbBackup) {
      throw new RuntimeError(
        'POOL_ERR_FORBIDDEN',
        'the database is PostgreSQL: back it up with pg_dump (README, Backups)',
      );
    }
    const started = performance.now();
    const file = Buffer.from(await (await app.dbBackup()).arrayBuffer());
    // Named by the wall clock (not a manual clock): it says when the copy was taken.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    request.log.info(
      { bytes: file.length, ms: Math.round(performance.now() - started) },
      'database backup taken',
    );
    return reply
      .type('application/gzip')
      .header('content-disposition', `attachment; filename="poolflow-backup-${stamp}.tar.gz"`)
      .send(file);
  });
}
