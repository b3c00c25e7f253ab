// Import (CSV or NDJSON, bounded, streamed, with progress) and export (CSV) of a pool's records; managers only.
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { csvLine } from '../../services/csv.js';
import {
  checkImport,
  spool,
  tooManyBytes,
  type ImportLimits,
  type Spooled,
} from '../../services/import-limits.js';
import { checkCsvHeader } from '../../services/import-rows.js';
import { importRecords } from '../../services/import.service.js';
import type { RecordPageQuery } from '../../repositories/record.repository.js';
import { listFilters } from '../records/field-filters.js';
import type { ExportQuery, ImportTemplateQuery } from '../../api.types.js';
import { templateHeader } from '../../services/import-columns.js';

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
/** Records an export reads per query (keyset pages; README: limits). */
const EXPORT_PAGE = 1000;

interface StateMeta {
  label?: { en?: string; zh?: string };
}

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
            'content-type',
            { value: type, allowed: IMPORT_TYPES },
          );
        const { maxBytes } = app.importLimits;
        try {
          if (Number(request.headers['content-length'] ?? 0) > maxBytes) {
            payload.resume(); // dropped unread
            throw tooManyBytes(maxBytes);
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
      if (format === 'csv') await checkCsvHeader(compiled, spooled.open());
      const body = request.body as Readable;
      const run = (onProgress: Parameters<typeof importRecords>[7]) =>
        importRecords(
          app.db,
          app.clock,
          compiled,
          pool,
          format,
          body,
          request.actor,
          onProgress,
          app.metrics,
          request.log,
        );
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

  app.get<{ Params: { pool: string }; Querystring: ExportQuery }>(
    '/api/pools/:pool/export',
    async (request, reply) => {
      const { pool } = request.params;
      const q = request.query;
      await requirePoolRole(app, request, pool, 'manager');
      const row = await app.records.pool(pool);
      const compiled = await app.policies.get(row.policy_id, row.policy_version);
      const fields = Object.keys(compiled.policy.entity.schema.properties);
      const names = await app.poolRepository.ownerNames(pool);
      const lang = q.lang ?? 'en';
      const stateLabel = (state: string): string => {
        const label = (compiled.policy.machine.states[state]?.meta as StateMeta | undefined)?.label;
        return (lang === 'zh' ? label?.zh : undefined) ?? label?.en ?? state;
      };
      const view = q.view ?? 'all';
      // Managers only, who see every field; read as the list reads them all the same.
      const filter: Omit<RecordPageQuery, 'after' | 'limit'> = {
        pooled: view === 'pool',
        ...(view === 'mine' ? { ownerId: request.actor.id } : {}),
        ...(q.owner !== undefined && view === 'all' ? { ownerId: q.owner } : {}),
        ...(await listFilters(app, request.actor, pool, view, q)),
        ...(q.tag ? { tag: q.tag } : {}),
        sort: 'score',
      };
      const out = new PassThrough();
      const write = async (): Promise<void> => {
        // A BOM first: Excel reads the file as UTF-8 only with it (Chinese is mojibake otherwise).
        out.write('\uFEFF');
        out.write(
          csvLine(['id', 'state', 'stateLabel', 'ownerId', 'owner', 'tags', 'score', ...fields]),
        );
        let after: [string, string] | undefined;
        for (;;) {
          // Keyset pages in the list's order: constant memory however large the pool.
          const rows = await app.recordRepository.page(pool, {
            ...filter,
            ...(after ? { after } : {}),
            limit: EXPORT_PAGE,
          });
          if (rows.length === 0) break;
          for (const r of rows) {
            const line = csvLine([
              r.id,
              r.state,
              stateLabel(r.state),
              r.owner_id,
              r.owner_id ? (names.get(r.owner_id) ?? '') : '',
              r.tags.join(' '),
              r.score,
              ...fields.map((f) => r.data[f]),
            ]);
            if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
          }
          const last = rows[rows.length - 1]!;
          after = [String(last.score), last.id];
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

  // The header row an import reads, by key or in Chinese: a manager fills it in (field titles and choices
  // are on the import page).
  app.get<{ Params: { pool: string }; Querystring: ImportTemplateQuery }>(
    '/api/pools/:pool/import-template',
    async (request, reply) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'manager');
      const row = await app.records.pool(pool);
      const compiled = await app.policies.get(row.policy_id, row.policy_version);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${pool}-import.csv"`)
        .send(`\uFEFF${csvLine(templateHeader(compiled, request.query.lang ?? 'en'))}`);
    },
  );
}
