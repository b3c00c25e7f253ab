// Builds the Fastify app: external plugins, then one plugin per domain, then schema-first routes.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify';
import {
  apiSchemas,
  applyContract,
  NO_QUERY,
  withOptionalEmptyBodies,
  withoutUnusedComponents,
} from './api-contract.js';
import { withSafeSerializers } from './log-serializers.js';
import { activityPlugin } from './plugins/activity.plugin.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { clientErrorHandler } from './plugins/client-errors.js';
import { designerPlugin } from './plugins/designer.plugin.js';
import { errorsPlugin } from './plugins/errors.plugin.js';
import { idempotencyPlugin } from './plugins/idempotency.plugin.js';
import { inputGuardPlugin } from './plugins/input-guard.plugin.js';
import { replySerializers } from './plugins/reply-serializers.js';
import { requestValidators } from './plugins/request-validators.js';
import { securityHeadersPlugin } from './plugins/security-headers.plugin.js';
import { servicesPlugin, type ServicesOptions } from './plugins/services.plugin.js';
import { activityRepositoryPlugin } from './repositories/activity.repository.js';
import { departmentRepositoryPlugin } from './repositories/department.repository.js';
import { notificationRepositoryPlugin } from './repositories/notification.repository.js';
import { policyRepositoryPlugin } from './repositories/policy.repository.js';
import { poolRepositoryPlugin } from './repositories/pool.repository.js';
import { recordRepositoryPlugin } from './repositories/record.repository.js';
import actionRoutes from './routes/actions/index.js';
import activityRoutes from './routes/activity/index.js';
import authRoutes from './routes/auth/index.js';
import backupRoutes from './routes/backup/index.js';
import clockRoutes from './routes/clock/index.js';
import auditRoutes from './routes/audits/index.js';
import deliveryRoutes from './routes/deliveries/index.js';
import healthRoutes from './routes/health/index.js';
import manageRoutes from './routes/manage/index.js';
import notificationRoutes from './routes/notifications/index.js';
import policyRoutes from './routes/policies/index.js';
import poolPolicyRoutes from './routes/pool-policy/index.js';
import poolRoutes from './routes/pools/index.js';
import recordRoutes from './routes/records/index.js';
import routingRoutes from './routes/routing/index.js';
import statsRoutes from './routes/stats/index.js';
import transferRoutes from './routes/transfer/index.js';
import simulateRoutes from './routes/simulate/index.js';
import templateRoutes from './routes/templates/index.js';
import timerRoutes from './routes/timers/index.js';
import upgradeRoutes from './routes/upgrades/index.js';
import userRoutes from './routes/users/index.js';
import departmentRoutes from './routes/departments/index.js';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './services/import-limits.js';
import { poolServicePlugin } from './services/pool.service.js';

export interface AppOptions extends ServicesOptions {
  logger?: FastifyServerOptions['logger'];
  /** Built designer to serve at `/` (default designer/dist). */
  designerRoot?: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /**
   * How long a request may take to arrive, headers and body, in ms (default REQUEST_TIMEOUT_MS): a
   * body shorter than its Content-Length, or one sent a byte at a time, is then answered 408 and its
   * connection closed, instead of holding it open for ever (Fastify's default is no limit).
   */
  requestTimeoutMs?: number;
  /** Sees every route as it is registered (tests enumerate the API with it). */
  onRoute?: (route: RouteOptions) => void;
  /** How long Idempotency-Key responses are replayed, in hours (default 24). */
  idempotencyKeyHours?: number;
  /** Bounds of one import (default DEFAULT_IMPORT_LIMITS: 10 MB, 100,000 rows, 100,000-character cells). */
  importLimits?: Partial<ImportLimits>;
  /** Behind a reverse proxy: trust its X-Forwarded-For for the client address (login limits). */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** The bearer token a Prometheus scraper sends for /metrics (POOLFLOW_METRICS_TOKEN); unset: admins only. */
  metricsToken?: string | undefined;
}

/** The default of AppOptions.requestTimeoutMs: a 10 MB import arrives in it at 90 KB/s. */
export const REQUEST_TIMEOUT_MS = 120_000;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    // Request lines without query strings, errors without SQL values (log-serializers.ts).
    logger: withSafeSerializers(options.logger ?? false),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout,
    // Given to Node's server as well: set only after it is made (as Fastify does), Node keeps its 60 s
    // headers time-out and never cuts a late body off. Node looks for requests past their time every
    // 30 s by default; a shorter limit is looked at a quarter of it apart.
    http: {
      requestTimeout,
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(requestTimeout / 4)),
    },
    // No limit on how long a plugin may take to start: opening the database runs the migrations, which
    // on a large database (or the embedded one on a slow, busy machine) take longer than Fastify's 10 s,
    // and the start then failed with "Plugin did not start in time: 'services'". An unreachable
    // PostgreSQL still fails the start, after knex's connection time-out (60 s).
    pluginTimeout: 0,
    // Requests the HTTP parser refuses get the contract's error shape (plugins/client-errors.ts).
    clientErrorHandler,
    // Query strings, params and headers are coerced to their schema's types; bodies are not.
    schemaController: {
      compilersFactory: {
        buildValidator: requestValidators({
          removeAdditional: false,
          coerceTypes: 'array',
          allErrors: true,
        }),
        buildSerializer: replySerializers(),
      },
    },
  });
  for (const schema of apiSchemas) app.addSchema(schema);
  // Before every other onRoute hook: the contract gives each route its schema (api-contract.ts).
  app.addHook('onRoute', applyContract);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  await app.register(securityHeadersPlugin);
  await app.register(swagger, {
    openapi: {
      // 3.1: full JSON Schema (type lists with null, propertyNames) as the route schemas use it.
      openapi: '3.1.0',
      info: {
        title: 'Poolflow API',
        version: '0.1.0',
        description: 'Resource pools: records, claims, policies.',
      },
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? withOptionalEmptyBodies(withoutUnusedComponents(document.openapiObject))
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  await app.register(errorsPlugin);
  // After the error handler, so a refused query is answered in the API's error format.
  app.get(
    '/api/openapi.json',
    { config: { public: true }, schema: { hide: true, querystring: NO_QUERY } },
    () => app.swagger(),
  );
  await app.register(inputGuardPlugin);
  await app.register(servicesPlugin, options);
  // Routes -> services -> repositories -> typed tables (db/tables.ts): one plugin per domain.
  for (const repository of [
    poolRepositoryPlugin,
    policyRepositoryPlugin,
    recordRepositoryPlugin,
    notificationRepositoryPlugin,
    departmentRepositoryPlugin,
    activityRepositoryPlugin,
  ])
    await app.register(repository);
  await app.register(poolServicePlugin);
  app.decorate('importLimits', { ...DEFAULT_IMPORT_LIMITS, ...options.importLimits });
  await app.register(authPlugin);
  await app.register(
    idempotencyPlugin,
    options.idempotencyKeyHours === undefined ? {} : { keyHours: options.idempotencyKeyHours },
  );
  await app.register(activityPlugin);
  await app.register(healthRoutes, { metricsToken: options.metricsToken });
  for (const routes of [
    authRoutes,
    userRoutes,
    departmentRoutes,
    templateRoutes,
    policyRoutes,
    simulateRoutes,
    poolRoutes,
    poolPolicyRoutes,
    routingRoutes,
    recordRoutes,
    statsRoutes,
    actionRoutes,
    manageRoutes,
    transferRoutes,
    notificationRoutes,
    clockRoutes,
    backupRoutes,
    activityRoutes,
    timerRoutes,
    upgradeRoutes,
    deliveryRoutes,
    auditRoutes,
  ]) {
    await app.register(routes);
  }
  await app.register(designerPlugin, options.designerRoot ? { root: options.designerRoot } : {});
  return app;
}
