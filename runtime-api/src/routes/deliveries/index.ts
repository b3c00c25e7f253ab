// Webhook deliveries (the outbox) for admins: listed with status, attempts and last error, and retried.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { listDeliveries, retryDelivery, type DeliveryStatus } from '../../services/outbox.js';

export default function deliveryRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { status?: DeliveryStatus; limit?: number } }>(
    '/api/deliveries',
    async (request) => {
      requireRole(request, 'admin');
      const { status, limit = 100 } = request.query;
      return { items: await listDeliveries(app.db, { status, limit }) };
    },
  );

  app.post<{ Params: { id: string } }>('/api/deliveries/:id/retry', async (request) => {
    requireRole(request, 'admin');
    const { id } = request.params;
    // Delivery ids are whole numbers: anything else names no delivery.
    const delivery = /^[1-9][0-9]{0,17}$/.test(id)
      ? await retryDelivery(app.db, await app.clock.now(app.db), id)
      : undefined;
    if (!delivery) throw RuntimeError.notFound(`delivery ${id}`);
    return delivery;
  });
}
