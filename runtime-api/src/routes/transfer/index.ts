// Import (CSV or NDJSON, bounded, streamed, with progress) and export (CSV) of a pool's records; managers only.
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { csvLine } from '../../services/csv.js';
import {
  checkImport,
  spool,
  tooLarge,
  type ImportLimits,
  type Spooled,
} from '../../services/import-limits.js';
import { importRecords } from '../../services/import.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Bounds of one import (AppOptions.importLimits; POOLFLOW_IMPORT_MAX_* in server.ts). */
    importLimits: ImportLimits;
  }
  interface FastifyRequest {
    /** The import body, copied to a temporary file while it was counted and hashed. */
    importBody?: Spooled;
  }
}

const IMPORT_TYPES = ['text/csv', 'application/x-ndjson'];

export default function transferRoutes(app: FastifyInstance): void {
  // Import bodies arrive as the spooled file's stream (see preParsing below), read row by row.
  app.addContentTypeParser(IMPORT_TYPES, (_request, payload, done) => done(null, payload));

  app.post<{ Params: { pool: string }; Querystring: { format?: 'csv' | 'ndjson' } }>(
    '/api/pools/:pool/import',
    {
      // Before the body is read: only a manager's body is read at all, and it is copied to a temporary
      // file while counted (refused past maxBytes) and hashed (for Idempotency-Key), so memory stays bounded.
      preParsing: async (request, reply, payload) => {
        await requirePoolRole(app, request, request.params.pool, 'manager');
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!IMPORT_TYPES.includes(type))
          throw RuntimeError.invalid(
            '/headers/content-type',
            `must be ${IMPORT_TYPES.join(' or ')}`,
          );
        const { maxBytes } = app.importLimits;
        try {
          if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
            payload.resume(); // dropped unread
            throw tooLarge(`is larger than the import limit of ${maxBytes} bytes`);
          }
          request.importBody = await spool(payload, maxBytes);
        } catch (e) {
          // The rest of a refused body is not worth reading: the connection closes after the 413.
          void reply.header('connection', 'close');
          throw e;
        }
        request.bodyDigest = request.importBody.sha256;
        return request.importBody.open();
      },
      onResponse: async (request) => {
        await request.importBody?.remove();
      },
    },
    async (request, reply) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'manager');
      const spooled = request.importBody;
      if (!spooled) throw RuntimeError.invalid('/body', 'is missing');
      const row = await app.records.pool(pool);
      const compiled = await app.policies.get(row.policy_id, row.policy_version);
      const contentType = request.headers['content-type'] ?? '';
      const format = request.query.format ?? (contentType.includes('ndjson') ? 'ndjson' : 'csv');
      // Every bound is checked over the whole body before the first row is written.
      await checkImport(spooled, format, app.importLimits);
      const body = request.body as Readable;
      const run = (onProgress: Parameters<typeof importRecords>[7]) =>
        importRecords(app.db, app.clock, compiled, pool, format, body, request.actor, onProgress);
      if (!(request.headers.accept ?? '').includes('application/x-ndjson'))
        return run(() => undefined);
      const out = new PassThrough();
      void run((progress) => out.write(`${JSON.stringify({ progress })}\n`))
        .then((report) => out.end(`${JSON.stringify({ done: report })}\n`))
        .catch((e: unknown) =>
          out.end(`${JSON.stringify({ error: { message: (e as Error).message } })}\n`),
        );
      return reply.type('application/x-ndjson').send(out);
    },
  );

  app.get<{ Params: { pool: string }; Querystring: { format?: 'csv' } }>(
    '/api/pools/:pool/export',
    async (request, reply) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'manager');
      const row = await app.records.pool(pool);
      const compiled = await app.policies.get(row.policy_id, row.policy_version);
      const fields = Object.keys(compiled.policy.entity.schema.properties);
      const out = new PassThrough();
      const write = async (): Promise<void> => {
        out.write(csvLine(['id', 'state', 'ownerId', 'tags', 'score', ...fields]));
        let after = '';
        for (;;) {
          // Keyset pages by id: constant memory however large the pool.
          const rows = await app.recordRepository.exportPage(pool, after, 1000);
          if (rows.length === 0) break;
          for (const r of rows) {
            if (
              !out.write(
                csvLine([
                  r.id,
                  r.state,
                  r.owner_id,
                  r.tags.join(' '),
                  r.score,
                  ...fields.map((f) => r.data[f]),
                ]),
              )
            ) {
              await new Promise((resolve) => out.once('drain', resolve));
            }
          }
          after = rows[rows.length - 1]!.id;
        }
        out.end();
      };
      void write().catch((e: unknown) => out.destroy(e as Error));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${pool}.csv"`)
        .send(out);
    },
  );
}
