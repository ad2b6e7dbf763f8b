/**
 * The CLI's way to a running server: the native HTTP API through undici, with the admin token a
 * local server leaves in its data dir, or a key from `TALLY_KEY` for `--server URL`. Errors come
 * back as the server's catalogue codes, so a command exits as it would have run locally.
 */
import { X509Certificate } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, type Dispatcher, request } from 'undici';
import { AppError, isErrorCode } from '../../domain/errors.js';
import { withFlagName } from '../flag-names.js';

export interface ServerTarget {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** A native bearer key: the local server's admin token, or `TALLY_KEY`. */
  token: string;
  /** How the CLI found the server, for messages: `the server holding DIR (pid N)`, `--server URL`. */
  label: string;
  /**
   * True for the server holding the data dir on this machine: it reads the CLI's files by path
   * (with its data-dir token). A `--server` reads only what is sent to it.
   */
  sameMachine: boolean;
  /**
   * The certificate a local HTTPS server serves (its `--tls-cert`): the CLI accepts exactly that
   * certificate, whatever names it carries. Unset: the usual verification against trusted CAs.
   */
  pinnedCert?: Buffer | undefined;
}

export interface CallOptions {
  query?: Record<string, string | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A streamed body (an uploaded log file) and its type. */
  stream?: Readable;
  contentType?: string;
  accept?: string;
  /**
   * The CLI flag for each API parameter, so that a refusal reads as it does locally
   * (`--account: unknown account 'x'`, not `account: ...`).
   */
  flags?: Record<string, string>;
}

/** How long the CLI waits for `/healthz` before it says the server does not answer. */
const REACH_TIMEOUT_MS = 5_000;

/** Accepts a TLS peer only when it presents `cert` itself (the local server's own certificate). */
function pinnedConnector(cert: Buffer): buildConnector.connector {
  const expected = new X509Certificate(cert).fingerprint256;
  // Chain and name checks are replaced by the fingerprint: the CLI read the certificate from the
  // data dir the server holds, so nothing else can present it. No session resumption: a resumed
  // session shows no certificate to check.
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return (options, callback) =>
    connect(options, (error, socket) => {
      if (error || socket === null) return callback(error ?? new Error('no socket'), null);
      const presented = (socket as TLSSocket).getPeerCertificate?.().fingerprint256;
      if (presented !== expected) {
        socket.destroy();
        return callback(new Error('the server presented a certificate other than its --tls-cert'), null);
      }
      return callback(null, socket);
    });
}

export class ServerClient {
  readonly target: ServerTarget;
  private readonly agent: Agent;

  constructor(target: ServerTarget) {
    this.target = target;
    // No time limit once the server has answered /healthz: an import or a follow may take hours.
    this.agent = new Agent({
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(target.pinnedCert ? { connect: pinnedConnector(target.pinnedCert) } : {}),
    });
  }

  /** Fails with `server-unreachable` (exit 1) unless the server answers `/healthz` within 5 s. */
  async reach(): Promise<void> {
    try {
      const response = await request(new URL('/healthz', this.target.url), {
        dispatcher: this.agent,
        headersTimeout: REACH_TIMEOUT_MS,
        bodyTimeout: REACH_TIMEOUT_MS,
        signal: AbortSignal.timeout(REACH_TIMEOUT_MS),
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`/healthz answered ${response.statusCode}`);
    } catch (error) {
      const why = (error as Error).name === 'TimeoutError' ? 'no answer in 5 s' : (error as Error).message;
      const advice = this.target.sameMachine
        ? 'it holds the data dir but does not answer: wait for it, or stop it'
        : 'check the URL and that the server is running';
      throw new AppError('server-unreachable', `cannot reach ${this.target.label} (${why}): ${advice}`);
    }
  }

  /** Calls the API and returns its JSON answer; an error answer is thrown as the server's AppError. */
  async json<T>(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.open(method, path, options);
    return (await response.body.json()) as T;
  }

  /** Calls the API and returns the response to read as a stream (CSV, NDJSON), once it is a success. */
  async open(
    method: Dispatcher.HttpMethod,
    path: string,
    options: CallOptions = {},
  ): Promise<Dispatcher.ResponseData> {
    const url = new URL(path, this.target.url);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.target.token}`,
      accept: options.accept ?? 'application/json',
    };
    let body: string | Readable | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.stream) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.stream;
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, { method, headers, body, dispatcher: this.agent });
    } catch (error) {
      throw new AppError(
        'server-unreachable',
        `${this.target.label} stopped answering (${(error as Error).message})`,
      );
    }
    if (response.statusCode < 400) return response;
    throw await this.refusal(response, options.flags ?? {});
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async refusal(response: Dispatcher.ResponseData, flags: Record<string, string>): Promise<AppError> {
    const text = await response.body.text();
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    if (!isErrorCode(error?.code) || typeof error?.message !== 'string')
      return new AppError(
        'internal',
        `${this.target.label} answered ${response.statusCode}: ${text.slice(0, 200)}`,
      );
    return withFlagName(new AppError(error.code, error.message), flags);
  }
}
