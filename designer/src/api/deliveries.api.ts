// Webhook deliveries (GET /api/deliveries, POST /api/deliveries/:id/retry), admins only. Shapes:
// schemas/api.schema.json `delivery`.
import { api } from './client.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  id: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastAttemptAt?: string | null;
  deliveredAt?: string | null;
  /** The URL's host only: group-robot URLs carry their access key. */
  target: string | null;
  preset?: string | null;
  recordId?: string | null;
  poolKey?: string | null;
  createdAt?: string | null;
}

export const DELIVERIES_LIMIT = 100;

export async function listDeliveries(status?: DeliveryStatus): Promise<Delivery[]> {
  const params = new URLSearchParams({ limit: String(DELIVERIES_LIMIT) });
  if (status) params.set('status', status);
  return (await api<{ items: Delivery[] }>('GET', `/api/deliveries?${params.toString()}`)).items;
}

/** Makes a dead or pending delivery due now, its attempts counted afresh. */
export async function retryDelivery(id: string): Promise<Delivery> {
  return api<Delivery>('POST', `/api/deliveries/${encodeURIComponent(id)}/retry`);
}
