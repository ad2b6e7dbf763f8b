/**
 * The HTTP server: Fastify with the native API, OpenAPI generated from the route schemas, and
 * one error handler. Compatible APIs register here too, each from its own folder.
 */

import { randomBytes } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { localPrincipal } from '../auth/native-bearer.js';
import type { RateLimitPolicy } from '../auth/rate-limit.js';
import { createSealer, type Sealer } from '../auth/sealed-secret.js';
import type { KeyScheme } from '../domain/api-key.js';
import { DEFAULT_SNAPSHOT_HOURS } from '../query/billing-snapshots.js';
import type { Store } from '../store/store.js';
import { registerOoyalaRoutes } from './compat/ooyala/usage-routes.js';
import { registerScaleEngineRoute } from './compat/scaleengine/api-route.js';
import { registerWowzaRoutes } from './compat/wowza/usage-routes.js';
import { registerZendriveRoutes } from './compat/zendrive/cdn-stats-route.js';
import { registerDashboard } from './dashboard/dashboard-route.js';
import { handleError } from './errors.js';
import { REDACTED, REDACTED_HEADER_PATHS, serializeRequest } from './log-redaction.js';
import { createMetrics, registerMetrics, type ServerMetrics } from './metrics.js';
import { registerAccountRoutes } from './native/accounts-route.js';
import { registerBillingRoutes } from './native/billing-route.js';
import { registerCatalogRoutes } from './native/catalog-route.js';
import { type EventsRouteOptions, registerEventsRoute } from './native/events-route.js';
import { registerFollowsRoutes } from './native/follows-route.js';
import { type ImportsRouteOptions, registerImportsRoute } from './native/imports-route.js';
import { registerKeysRoutes } from './native/keys-route.js';
import { registerRetentionRoute } from './native/retention-route.js';
import { registerSourcesRoute } from './native/sources-route.js';
import { registerUsageRoute } from './native/usage-route.js';
import type { TransportPolicy } from './transport.js';

export interface AppOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer; key: Buffer };
  store: Store;
  /**
   * The admin token this server left in its data dir for the CLI on the same machine
   * (cli/server-file.ts); requests bearing it are the `local` principal.
   */
  localToken?: string;
  /** Pino logging (to stdout, or to `stream`); off in tests. Secrets are redacted (log-redaction.ts). */
  logger?: boolean | { stream: NodeJS.WritableStream };
  version?: string;
  /** The server's metrics (`GET /metrics`); without it, the app keeps its own. */
  metrics?: ServerMetrics;
  /**
   * What imports through the server need (`POST /v1/imports`, and `POST /v1/follows`); without
   * it, those routes are not served.
   */
  imports?: Omit<ImportsRouteOptions, 'store'>;
  /** Files the server follows (`serve --follow`): `GET /v1/sources` gives their lag. */
  followed?: readonly string[] | undefined;
  /** The built dashboard (dist/dashboard) served at `GET /`; without it, `GET /` says to build it. */
  dashboardDir?: string | undefined;
  /** How often the server takes a billing snapshot (config `billing.snapshotHours`), for `GET /v1/billing/snapshots`. */
  snapshotHours?: number | undefined;
  /** The config's `retentionDays`, applied by `POST /v1/retention` (undefined: keep everything). */
  retentionDays?: number | undefined;
  /** The event API's secret (viewer hashes), zones and limits; without it, a random secret and the defaults. */
  events?: Omit<EventsRouteOptions, 'store'>;
  /** What the compatible APIs need: whether plain HTTP counts as secure, trusted proxies, rate limits. */
  compat?: {
    transport: TransportPolicy;
    rateLimits?: Partial<Record<KeyScheme, RateLimitPolicy>> | undefined;
    /** Opens sealed key secrets (HMAC-signed APIs); without it, one keyed by a random secret. */
    sealer?: Sealer;
  };
}

/** Defaults in one place, each with its reason. */
export const HTTP_DEFAULTS = {
  /** Native requests are small JSON; the event API sets its own larger limit per route. */
  bodyLimit: 1024 * 1024,
  /** A slow client must not hold a connection forever. */
  requestTimeout: 30_000,
} as const;

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  // (an HTTPS instance has the same routes and API; its type differs only in the raw server)
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    logger: options.logger
      ? {
          redact: { paths: REDACTED_HEADER_PATHS, censor: REDACTED },
          serializers: { req: serializeRequest },
          ...(typeof options.logger === 'object' ? { stream: options.logger.stream } : {}),
        }
      : false,
    bodyLimit: HTTP_DEFAULTS.bodyLimit,
    requestTimeout: HTTP_DEFAULTS.requestTimeout,
    // Fastify's validator drops properties a schema does not list by default; a field no route
    // knows (a typo) must be a 400 that names it, never silently ignored.
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally native API', version: options.version ?? '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  const { store, localToken } = options;
  if (localToken !== undefined) {
    app.addHook('onRequest', async (request) => {
      const principal = localPrincipal(request.headers.authorization, localToken);
      if (principal) request.principal = principal;
    });
  }
  app.get('/healthz', { schema: { summary: 'Liveness and store backend' } }, async () => ({
    status: 'ok',
    backend: store.backend,
  }));
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerUsageRoute(app, store);
  registerAccountRoutes(app, store);
  const metrics = options.metrics ?? createMetrics(store);
  registerMetrics(app, metrics);
  registerSourcesRoute(app, store, { rejectsDir: options.imports?.rejectsDir, followed: options.followed });
  if (options.imports) {
    registerImportsRoute(app, { store, metrics, ...options.imports });
    registerFollowsRoutes(app, { store, metrics, ...options.imports });
  }
  registerRetentionRoute(app, store, options.retentionDays);
  registerCatalogRoutes(app, store);
  registerBillingRoutes(app, store, options.snapshotHours ?? DEFAULT_SNAPSHOT_HOURS);
  registerEventsRoute(app, { store, metrics, ...(options.events ?? { secret: randomBytes(32), zones: {} }) });
  const compat = options.compat ?? { transport: { insecureHttp: false, trustedProxies: [] } };
  const sealer = compat.sealer ?? createSealer(randomBytes(32));
  registerKeysRoutes(app, store, sealer);
  registerZendriveRoutes(app, { store, transport: compat.transport, rate: compat.rateLimits?.zendrive });
  registerScaleEngineRoute(app, { store, sealer, rate: compat.rateLimits?.scaleengine });
  registerWowzaRoutes(app, { store, sealer, rate: compat.rateLimits?.wowza });
  registerOoyalaRoutes(app, { store, sealer, rate: compat.rateLimits?.ooyala });
  await registerDashboard(app, options.dashboardDir);
  await app.ready();
  return app;
}
