// Webhook deliveries (GET /api/deliveries, POST /api/deliveries/:id/retry), admins only. Shapes:
// schemas/api.schema.json `delivery`.
import type { Delivery, DeliveryList } from './api.types.js';
import { api } from './client.js';

// Types generated from schemas/ (api.types.ts).
export type { Delivery };
export type DeliveryStatus = Delivery['status'];

export const DELIVERIES_LIMIT = 100;

export async function listDeliveries(status?: DeliveryStatus): Promise<Delivery[]> {
  const params = new URLSearchParams({ limit: String(DELIVERIES_LIMIT) });
  if (status) params.set('status', status);
  return (await api<DeliveryList>('GET', `/api/deliveries?${params.toString()}`)).items;
}

/** Makes a dead or pending delivery due now, its attempts counted afresh. */
export async function retryDelivery(id: string): Promise<Delivery> {
  return api<Delivery>('POST', `/api/deliveries/${encodeURIComponent(id)}/retry`);
}
