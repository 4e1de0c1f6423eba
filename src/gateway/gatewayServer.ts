/**
 * The local metering gateway: an HTTP server on 127.0.0.1 that assistants use as their provider's
 * base URL (`http://127.0.0.1:<port>/<provider id>`). For every request it
 * 1. checks the `Host` (421) and the gateway token (401), and the route (404);
 * 2. reads the body (413 past `MAX_BODY_BYTES`) and files the request under a task and round;
 * 3. with budget enforcement on, estimates it with the core's raw-request estimator and refuses it
 *    (402, in the dialect's error shape) when its high estimate would cross the daily or monthly
 *    budget or the task's cap; the refusal is recorded as `blocked`;
 * 4. forwards it byte for byte to the configured provider's base URL, with the client's token
 *    removed and the real key put in its place (toward that origin only; redirects are never
 *    followed), `stream_options.include_usage` added to a streaming Chat Completions request;
 * 5. streams the answer back chunk by chunk as it arrives (status and headers as the provider sent
 *    them, minus hop-by-hop and CORS headers), reading a copy for usage and tool calls;
 * 6. after the answer has ended, appends one usage record. Appends are never on the streaming path:
 *    the client has its last byte before the ledger is written.
 * A client that disconnects aborts the upstream request; the attempt is recorded as cancelled with
 * estimated usage. Without enforcement the estimate is made once the answer has ended (it describes
 * the request as sent, so when it is made does not change it), so it adds nothing to the time to
 * first byte or to any chunk.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { budgetBreaches, refusalMessage } from '../core/budget/taskBudget';
import { RawRequestError, type RawRequestEstimate, RawRequestMemo, estimateRawRequest } from '../core/estimate/rawRequest';
import type { CacheState } from '../core/cache';
import type { OutcomeStatus, UsageRecord } from '../core/ledger/usageRecord';
import { identifyClient, messageFingerprints, type TaskAssignment, TaskTracker, type TaskSnapshot } from '../core/tasks';
import { isLoopbackUrl } from '../core/loopback';
import { classifyFailure } from '../providers/errorClassification';
import { redactSecrets } from '../core/redact';
import { hostAllowed, tokenDigest, tokenMatches } from './auth';
import { type Dialect, sendError } from './errors';
import { gatewayRecord } from './gatewayRecord';
import { PromptCaches } from './promptCaches';
import { BodyTooLargeError, MAX_BODY_BYTES, readBody, withIncludeUsage } from './requestBody';
import { type Route, resolveRoute } from './routes';
import type { GatewayHost, GatewayOptions, GatewayProvider } from './types';
import { createUsageTap, type TapResult, type UsageTap } from './usageTap';

/** Request headers that belong to one connection, or that the gateway replaces. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'content-length', 'expect', 'authorization', 'x-api-key', 'cookie',
]);
/** Response headers that belong to one connection, and CORS headers (the gateway serves no browser). */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie',
]);

/** Error bodies are held (to take an echoed key out) up to this size; anything longer is cut there. */
const ERROR_BODY_LIMIT = 1024 * 1024;

/** How long `close()` lets requests in flight finish before it cancels them. */
const CLOSE_GRACE_MS = 5_000;

type RecordListener = (record: UsageRecord) => void;

function dialectOf(provider: GatewayProvider | undefined): Dialect {
  return provider?.kind === 'anthropic' ? 'anthropic' : 'openai';
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What the gateway worked out about a metered request. */
interface RequestFacts {
  readonly parsed: Record<string, unknown>;
  readonly client: string;
  readonly model: string;
  readonly assignment: TaskAssignment;
  /** What the provider's prompt cache held for this task when the request left (estimated against later). */
  readonly cacheState: CacheState | undefined;
}

/** One request through the gateway, from arrival to its record. */
interface Exchange {
  readonly startedAt: Date;
  cancel(): void;
  readonly done: Promise<void>;
}

export class Gateway {
  readonly tasks: TaskTracker;
  private token: string;
  private tokenHash: Buffer;
  private readonly host: GatewayHost;
  private readonly memo = new RawRequestMemo();
  private readonly caches = new PromptCaches();
  private readonly exchanges = new Set<Exchange>();
  private readonly appends = new Set<Promise<void>>();
  private readonly recordListeners = new Set<RecordListener>();
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  /** High estimates of requests in flight, counted against the daily and monthly budgets until they settle. */
  private reserved = 0;
  private readonly now: () => Date;
  private readonly maxBodyBytes: number;
  private closing = false;
  private listeningPort: number | undefined;

  private constructor(private readonly server: http.Server, options: GatewayOptions) {
    this.host = options.host;
    this.token = options.token;
    this.tokenHash = tokenDigest(options.token);
    this.now = options.now ?? (() => new Date());
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.tasks = new TaskTracker({ newId: randomUUID });
  }

  /** Listens on 127.0.0.1 (never another interface) at `options.port`, or any free port. */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000, headersTimeout: 60_000 });
    const gateway = new Gateway(server, options);
    server.on('request', (req, res) => gateway.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return gateway;
  }

  get port(): number {
    this.listeningPort ??= (this.server.address() as AddressInfo).port;
    return this.listeningPort;
  }

  /** `http://127.0.0.1:<port>`, no trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests still streaming. */
  get inFlight(): number {
    return this.exchanges.size;
  }

  /** A new token applies to the next request (`Credit Meter: Rotate Gateway Token`). */
  setToken(token: string): void {
    this.token = token;
    this.tokenHash = tokenDigest(token);
  }

  /** Told about every record after it was appended. */
  onRecord(listener: RecordListener): { dispose(): void } {
    this.recordListeners.add(listener);
    return { dispose: () => { this.recordListeners.delete(listener); } };
  }

  onTaskChange(listener: (task: TaskSnapshot) => void): { dispose(): void } {
    return this.tasks.onDidChange(listener);
  }

  /** Resolves once every record written so far is in the ledger. */
  async flush(): Promise<void> {
    while (this.appends.size > 0) {
      await Promise.allSettled([...this.appends]);
    }
  }

  /**
   * Stops listening, lets requests in flight finish for `graceMs`, cancels the rest (recorded as
   * cancelled), and waits for every record to be appended.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closing = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const pending = [...this.exchanges].map((exchange) => exchange.done);
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(pending), new Promise((resolve) => { timer = setTimeout(resolve, graceMs); })]);
      clearTimeout(timer);
      for (const exchange of this.exchanges) {
        exchange.cancel();
      }
      await Promise.allSettled([...this.exchanges].map((exchange) => exchange.done));
    }
    this.server.closeAllConnections();
    await stopped;
    await this.flush();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!hostAllowed(req.headers.host, this.port)) {
      sendError(res, 'openai', 'misdirected', `This is the Credit Meter gateway; address it as 127.0.0.1:${this.port} or localhost:${this.port}.`, true);
      return;
    }
    const resolved = resolveRoute(req.method, req.url, this.host.providers());
    const dialect = dialectOf(resolved.ok ? resolved.route.provider : resolved.provider);
    if (!tokenMatches(this.tokenHash, req.headers)) {
      sendError(res, dialect, 'unauthorized', 'The Credit Meter gateway token is missing or wrong. Use the token shown by "Credit Meter: Connect an Assistant…" as the API key.', true);
      return;
    }
    if (!resolved.ok) {
      sendError(res, dialect, 'not_found', `Credit Meter gateway: ${resolved.reason}.`, true);
      return;
    }
    if (this.closing) {
      sendError(res, dialect, 'upstream', 'The Credit Meter gateway is shutting down.', true);
      return;
    }
    void this.exchange(req, res, resolved.route).catch((error: unknown) => {
      this.host.log?.error('Gateway request failed', error);
      if (!res.headersSent) {
        sendError(res, dialect, 'upstream', 'Credit Meter gateway: internal error.', true);
      } else {
        res.destroy();
      }
    });
  }

  private async exchange(req: http.IncomingMessage, res: http.ServerResponse, route: Route): Promise<void> {
    const startedAt = this.now();
    const dialect = dialectOf(route.provider);
    let body: Buffer | undefined;
    if (route.method === 'POST') {
      try {
        body = await readBody(req, this.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          sendError(res, dialect, 'too_large', `Request bodies larger than ${Math.round(error.limit / (1024 * 1024))} MiB are refused by the Credit Meter gateway.`, true);
        } else {
          res.destroy();
        }
        return;
      }
    }
    const key = await this.host.apiKey(route.provider.id);
    if (!key && !isLoopbackUrl(route.provider.baseUrl)) {
      sendError(res, dialect, 'no_key', `Credit Meter has no API key for provider "${route.provider.id}". Run "Credit Meter: Set API Key" (or set CREDIT_METER_KEY_${route.provider.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')} for the CLI).`);
      return;
    }
    if (!route.format || !body) {
      await this.passThrough(req, res, route, body, key);
      return;
    }
    await this.metered(req, res, route, body, key, startedAt);
  }

  /**
   * What the gateway knows of a metered request: the body parsed (an empty object when it is not a
   * JSON object: it is forwarded all the same, and the provider says what is wrong with it), the
   * client, and its task and round.
   */
  private describe(req: http.IncomingMessage, route: Route, body: Buffer, startedAt: Date): RequestFacts {
    const format = route.format as NonNullable<Route['format']>;
    let parsed: Record<string, unknown> = {};
    try {
      const value = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        parsed = value as Record<string, unknown>;
      }
    } catch {
      // Not JSON: recorded without an estimate, under a task of its own.
    }
    const identity = identifyClient({
      'user-agent': headerText(req.headers['user-agent']),
      'x-title': headerText(req.headers['x-title']),
      'x-claude-code-session-id': headerText(req.headers['x-claude-code-session-id']),
      'x-task-id': headerText(req.headers['x-task-id']),
    });
    const model = typeof parsed.model === 'string' && parsed.model.trim() !== '' ? parsed.model.trim() : 'unknown';
    const assignment = this.tasks.assign({
      client: identity.name,
      ...(identity.session ? { session: identity.session } : {}),
      fingerprints: messageFingerprints(format, parsed),
      ...(typeof parsed.previous_response_id === 'string' ? { previousResponseId: parsed.previous_response_id } : {}),
      model,
      at: startedAt.getTime(),
    });
    return { parsed, client: identity.name, model, assignment, cacheState: this.caches.stateFor(route.provider.id, assignment.taskId) };
  }

  /** `models` and `count_tokens`: forwarded as they are, not recorded. */
  private async passThrough(req: http.IncomingMessage, res: http.ServerResponse, route: Route, body: Buffer | undefined, key: string | undefined): Promise<void> {
    const upstream = this.send(route, req, body, key);
    await new Promise<void>((resolve) => {
      upstream.on('response', (answer) => {
        if (answer.statusCode !== undefined && answer.statusCode >= 300 && answer.statusCode < 400) {
          answer.resume();
          sendError(res, dialectOf(route.provider), 'upstream', `${route.upstream.host} answered with a redirect, which the gateway does not follow (the key goes to the configured host only).`);
          resolve();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => { res.destroy(); resolve(); });
      });
      upstream.on('error', () => {
        sendError(res, dialectOf(route.provider), 'upstream', `Could not reach ${route.upstream.host}.`);
        resolve();
      });
      res.on('close', () => {
        if (!res.writableFinished) {
          upstream.destroy();
        }
        resolve();
      });
    });
  }

  private async metered(req: http.IncomingMessage, res: http.ServerResponse, route: Route, body: Buffer, key: string | undefined, startedAt: Date): Promise<void> {
    const format = route.format as NonNullable<Route['format']>;
    const budget = this.host.budget();
    let facts: RequestFacts | undefined;
    let estimate: RawRequestEstimate | undefined;
    let estimated = false;
    const estimateNow = (): RawRequestEstimate | undefined => {
      if (!estimated && facts) {
        estimated = true;
        estimate = this.estimate(facts, format, route.provider, startedAt);
      }
      return estimate;
    };
    const recordBase = (known: RequestFacts) => ({
      provider: route.provider,
      model: known.model,
      client: known.client,
      taskId: known.assignment.taskId,
      round: known.assignment.round,
      attempt: known.assignment.attempt,
      profile: this.host.profile(),
      calibration: this.host.calibration?.(),
      storePrompts: this.host.storePrompts?.() ?? false,
      secrets: [key, this.token],
    });

    let high = 0;
    if (budget.enforce) {
      // Enforced budgets need the estimate, and the task's spend, before anything leaves.
      facts = this.describe(req, route, body, startedAt);
      const sendTime = estimateNow();
      high = sendTime?.cost.kind === 'priced' ? sendTime.cost.credits.high : 0;
      const spend = this.host.spend();
      // Requests in flight count at their high estimate until they settle.
      const committed = { today: spend.today + this.reserved, month: spend.month + this.reserved };
      const breaches = sendTime?.cost.kind === 'priced' ? budgetBreaches(committed, this.tasks.committed(facts.assignment.taskId), budget.limits, high) : [];
      if (breaches.length > 0 && sendTime?.cost.kind === 'priced') {
        const message = refusalMessage(breaches, sendTime.cost.credits);
        sendError(res, dialectOf(route.provider), 'budget', message);
        this.tasks.settle(facts.assignment.taskId, undefined, { credits: 0, at: this.now().getTime() });
        this.record(gatewayRecord({
          ...recordBase(facts),
          estimate: sendTime,
          startedAt,
          finishedAt: this.now(),
          status: 'blocked',
          httpStatus: 402,
          tap: undefined,
          accepted: false,
          errorClass: 'BudgetExceeded',
          errorMessage: message,
          responseHeaders: {},
        }));
        this.host.log?.info(`Gateway refused a ${facts.client} request to ${route.provider.id}: ${message}`);
        return;
      }
    }

    const outgoing = format === 'openai' ? withIncludeUsage(body) : body;
    let settled = false;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => { resolveDone = resolve; });
    const upstream = this.send(route, req, outgoing, key);
    // Without enforcement, what the gateway needs to know of the request is worked out once it has left.
    const known = facts ?? this.describe(req, route, body, startedAt);
    facts = known;
    const reservation = this.tasks.reserve(known.assignment.taskId, high);
    this.reserved += high;
    let answer: http.IncomingMessage | undefined;
    let tap: UsageTap | undefined;
    let clientGone = false;
    /** The upstream cut the answer; the gateway closes the client's side itself. */
    let upstreamCut = false;
    const exchange: Exchange = {
      startedAt,
      done,
      cancel: () => {
        clientGone = true;
        upstream.destroy();
        res.destroy();
      },
    };
    this.exchanges.add(exchange);

    const finish = (outcome: { status: OutcomeStatus; httpStatus?: number; tap?: TapResult; accepted: boolean; errorClass?: string; errorMessage?: string }): void => {
      if (settled) {
        return;
      }
      settled = true;
      this.exchanges.delete(exchange);
      this.reserved -= high;
      const sendTime = estimateNow();
      const record = gatewayRecord({
        ...recordBase(known),
        estimate: sendTime,
        startedAt,
        finishedAt: this.now(),
        status: outcome.status,
        httpStatus: outcome.httpStatus,
        tap: outcome.tap,
        accepted: outcome.accepted,
        ...(outcome.errorClass ? { errorClass: outcome.errorClass } : {}),
        ...(outcome.errorMessage ? { errorMessage: outcome.errorMessage } : {}),
        responseHeaders: answer?.headers ?? {},
      });
      this.tasks.settle(known.assignment.taskId, reservation, { credits: record.cost.credits, ...(outcome.tap?.responseId ? { responseId: outcome.tap.responseId } : {}), at: this.now().getTime() });
      if (outcome.accepted && sendTime?.cacheRequest) {
        // The provider started a lifetime for what it read and wrote (also when the answer was cut).
        const observed = record.usageSource === 'provider' ? { cacheReadTokens: record.tokens.cacheRead, cacheWriteTokens: record.tokens.cacheWrite } : undefined;
        this.caches.record(route.provider.id, known.assignment.taskId, sendTime.cacheRequest, startedAt.getTime(), observed);
      }
      this.record(record);
      resolveDone();
    };

    res.on('close', () => {
      if (res.writableFinished || settled || upstreamCut) {
        return;
      }
      clientGone = true;
      upstream.destroy();
      const seen = tap?.snapshot();
      void (tap ? tap.end() : Promise.resolve(undefined)).then((read) => finish({
        status: 'cancelled',
        ...(answer?.statusCode !== undefined ? { httpStatus: answer.statusCode } : {}),
        tap: read ?? seen,
        accepted: true,
        errorClass: 'cancelled',
        errorMessage: 'The client closed the connection before the answer ended.',
      }));
    });

    /** The answer was cut mid-stream (the upstream connection broke): the client sees the cut too. */
    const cut = (code: string | undefined): void => {
      if (clientGone || settled || upstreamCut || !tap) {
        return;
      }
      upstreamCut = true;
      res.destroy();
      void tap.end().then((read) => finish({
        status: 'aborted',
        ...(answer?.statusCode !== undefined ? { httpStatus: answer.statusCode } : {}),
        tap: read,
        accepted: true,
        errorClass: 'network',
        errorMessage: `The connection to ${route.upstream.host} broke mid-answer${code ? ` (${code})` : ''}. The usage is estimated.`,
      }));
    };

    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (clientGone || settled) {
        return;
      }
      if (answer) {
        cut(error.code);
        return;
      }
      const message = `Could not reach ${route.upstream.host}${error.code ? ` (${error.code})` : ''}.`;
      sendError(res, dialectOf(route.provider), 'upstream', `Credit Meter gateway: ${message}`);
      finish({ status: 'error', httpStatus: 502, accepted: false, errorClass: 'network', errorMessage: message });
    });

    upstream.on('response', (incoming) => {
      answer = incoming;
      const status = incoming.statusCode ?? 502;
      if (status >= 300 && status < 400) {
        incoming.resume();
        const message = `${route.upstream.host} answered with a redirect (${status}), which the gateway does not follow: the key goes to the configured host only.`;
        sendError(res, dialectOf(route.provider), 'upstream', `Credit Meter gateway: ${message}`);
        finish({ status: 'error', httpStatus: 502, accepted: false, errorClass: 'protocol', errorMessage: message });
        return;
      }
      const readTap = createUsageTap({
        format,
        status,
        contentType: headerText(incoming.headers['content-type']) ?? '',
        contentEncoding: headerText(incoming.headers['content-encoding']) ?? '',
        now: this.now,
      });
      tap = readTap;
      // An error body is small and may echo the key: it is read whole and the key taken out before it is sent on.
      const holdErrorBody = status >= 400 && key !== undefined;
      const held: Buffer[] = [];
      let heldBytes = 0;
      if (!holdErrorBody) {
        res.writeHead(status, incoming.statusMessage, responseHeaders(incoming.rawHeaders));
        // The headers go out with the first chunk when it came with them, else on their own at once.
        setImmediate(() => {
          if (!res.headersSent && !res.destroyed) {
            res.flushHeaders();
          }
        });
      }
      incoming.on('data', (chunk: Buffer) => {
        if (clientGone) {
          return;
        }
        if (holdErrorBody) {
          heldBytes += chunk.length;
          if (heldBytes <= ERROR_BODY_LIMIT) {
            held.push(chunk);
          }
          readTap.push(chunk);
          return;
        }
        // The client gets each chunk first; the copy is read after.
        if (!res.write(chunk)) {
          incoming.pause();
          res.once('drain', () => incoming.resume());
        }
        readTap.push(chunk);
      });
      incoming.on('error', (error: NodeJS.ErrnoException) => cut(error.code));
      incoming.on('close', () => {
        if (!incoming.complete) {
          cut('ECONNRESET');
        }
      });
      incoming.on('end', () => {
        if (clientGone) {
          return;
        }
        if (holdErrorBody) {
          const { headers, body: errorBody } = withoutSecret(incoming, Buffer.concat(held), heldBytes > ERROR_BODY_LIMIT, key);
          res.writeHead(status, incoming.statusMessage, headers);
          res.end(errorBody);
        } else {
          res.end();
        }
        void readTap.end().then((read) => {
          const accepted = status >= 200 && status < 300;
          if (!accepted) {
            const failure = classifyFailure(read.failure ?? { status }, { host: route.upstream.host, model: known.model, secrets: [key, this.token] });
            finish({ status: 'error', httpStatus: status, tap: read, accepted: false, errorClass: failure.errorClass, errorMessage: failure.detail && !failure.message.includes(failure.detail) ? `${failure.message} (${failure.detail})` : failure.message });
            return;
          }
          if (read.failure) {
            const failure = classifyFailure(read.failure, { host: route.upstream.host, model: known.model, secrets: [key, this.token] });
            finish({ status: 'error', httpStatus: status, tap: read, accepted: true, errorClass: failure.errorClass, errorMessage: failure.message });
            return;
          }
          if (!read.complete) {
            finish({ status: 'aborted', httpStatus: status, tap: read, accepted: true, errorClass: 'network', errorMessage: `The answer from ${route.upstream.host} ended before it was complete. The usage is estimated.` });
            return;
          }
          finish({ status: 'ok', httpStatus: status, tap: read, accepted: true });
        });
      });
    });
    await done;
  }

  /** Sends the request upstream: the client's headers minus its token, the provider's headers and the real key. */
  private send(route: Route, req: http.IncomingMessage, body: Buffer | undefined, key: string | undefined): http.ClientRequest {
    const provider = route.provider;
    const headers: Record<string, string | string[]> = {};
    const connectionScoped = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()).filter(Boolean));
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      const lower = name.toLowerCase();
      if (DROPPED_REQUEST_HEADERS.has(lower) || connectionScoped.has(lower)) {
        continue;
      }
      const value = req.rawHeaders[i + 1];
      const existing = headers[name];
      headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    for (const [name, value] of Object.entries(provider.headers ?? {})) {
      headers[name] = value;
    }
    // The key goes to the configured provider's origin only; the URL is built from its base URL.
    if (key && route.upstream.origin === new URL(provider.baseUrl).origin) {
      if (provider.kind === 'anthropic') {
        headers['x-api-key'] = key;
      } else {
        headers.authorization = `Bearer ${key}`;
      }
    }
    if (body) {
      headers['content-length'] = String(body.length);
    }
    const transport = route.upstream.protocol === 'https:' ? https : http;
    const upstream = transport.request(route.upstream, {
      method: route.method,
      headers,
      agent: route.upstream.protocol === 'https:' ? this.agents.https : this.agents.http,
    });
    upstream.setNoDelay(true);
    upstream.end(body);
    return upstream;
  }

  /** The send-time estimate: priced with the prompt cache as it stood when the request left. */
  private estimate(facts: RequestFacts, format: NonNullable<Route['format']>, provider: GatewayProvider, startedAt: Date): RawRequestEstimate | undefined {
    try {
      const calibration = this.host.calibration?.();
      return estimateRawRequest(facts.parsed, {
        format,
        profile: this.host.profile(),
        history: this.host.history?.() ?? [],
        providerHints: { providerId: provider.kind, providerApiUrl: provider.baseUrl },
        memo: this.memo,
        ...(calibration ? { calibration } : {}),
        cache: { state: facts.cacheState, at: startedAt.getTime(), counting: this.caches.counting(facts.model, calibration) },
      });
    } catch (error) {
      if (!(error instanceof RawRequestError)) {
        this.host.log?.warn(`Gateway estimate failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      return undefined;
    }
  }

  /** Appends off the response path; listeners hear of the record once it is in the ledger. */
  private record(record: UsageRecord): void {
    const append = this.host.append(record).then(
      () => {
        for (const listener of [...this.recordListeners]) {
          listener(record);
        }
        this.host.log?.info(`Gateway: ${record.client ?? '?'} ${record.modelRequested} round ${record.round + 1}: ${record.outcome.status}${record.outcome.httpStatus ? ` ${record.outcome.httpStatus}` : ''}, ${record.cost.credits ?? '?'} cr in ${Math.round(record.outcome.latencyMs)} ms`);
      },
      (error: unknown) => {
        this.host.log?.error(`A gateway usage record could not be written: ${redactSecrets(error instanceof Error ? error.message : String(error), [this.token])}`, undefined);
      },
    );
    this.appends.add(append);
    void append.finally(() => this.appends.delete(append));
  }
}

/**
 * An error body with every copy of the key replaced (decompressed first when it came compressed);
 * the original bytes and headers when the key is not in it.
 */
function withoutSecret(incoming: http.IncomingMessage, body: Buffer, truncated: boolean, key: string): { headers: string[]; body: Buffer } {
  const sized = (bytes: Buffer, dropEncoding: boolean): { headers: string[]; body: Buffer } => {
    const headers = responseHeaders(incoming.rawHeaders).filter((_value, index, list) => {
      const name = (index % 2 === 0 ? list[index] : list[index - 1]).toLowerCase();
      return name !== 'content-length' && !(dropEncoding && name === 'content-encoding');
    });
    headers.push('content-length', String(bytes.length));
    return { headers, body: bytes };
  };
  const encoding = (headerText(incoming.headers['content-encoding']) ?? '').trim().toLowerCase();
  let plain: Buffer;
  try {
    plain = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.gunzipSync(body) : encoding === 'deflate' ? zlib.inflateSync(body) : encoding === 'br' ? zlib.brotliDecompressSync(body) : body;
  } catch {
    // Bytes no decoder reads cannot show the key to the client either.
    return truncated ? sized(body, false) : { headers: responseHeaders(incoming.rawHeaders), body };
  }
  const text = plain.toString('utf8');
  if (!text.includes(key)) {
    return truncated ? sized(body, false) : { headers: responseHeaders(incoming.rawHeaders), body };
  }
  return sized(Buffer.from(text.split(key).join('[redacted]'), 'utf8'), true);
}

/** The upstream's response headers as a raw list, minus hop-by-hop and CORS headers. */
function responseHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (DROPPED_RESPONSE_HEADERS.has(lower) || lower.startsWith('access-control-')) {
      continue;
    }
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}
