/**
 * Reads a provider's model list from its models endpoint: OpenAI-compatible `GET {baseUrl}/models`
 * (Bearer key), Anthropic `GET {baseUrl}/v1/models` (`x-api-key`, `anthropic-version`, paginated with
 * `after_id`). No redirects (the key only goes to the configured host), a deadline, a body cap.
 * Returns the core's `ListedModel`s; merging, caching and deprecations are the core's and the extension's.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ListedModel } from '../core/models/modelList';
import { ProviderError } from './providerError';

export interface ModelListRequest {
  readonly kind: 'openai' | 'anthropic';
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Whole request deadline (every page), default 15 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const ANTHROPIC_VERSION = '2023-06-01';
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const MAX_PAGES = 20;

export async function fetchModelList(request: ModelListRequest): Promise<ListedModel[]> {
  const deadline = Date.now() + (request.timeoutMs ?? 15_000);
  if (request.kind === 'openai') {
    const body = await getJson(joinUrl(request.baseUrl, 'models'), openAiHeaders(request), deadline, request.signal);
    return listOf(body).map(openAiModel).filter((model): model is ListedModel => model !== undefined);
  }
  const models: ListedModel[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = joinUrl(request.baseUrl, 'v1/models');
    url.searchParams.set('limit', '1000');
    if (after) {
      url.searchParams.set('after_id', after);
    }
    const body = await getJson(url, anthropicHeaders(request), deadline, request.signal);
    models.push(...listOf(body).map(anthropicModel).filter((model): model is ListedModel => model !== undefined));
    const more = (body as { has_more?: unknown }).has_more === true;
    const last = (body as { last_id?: unknown }).last_id;
    if (!more || typeof last !== 'string' || last === after) {
      break;
    }
    after = last;
  }
  return models;
}

function openAiHeaders(request: ModelListRequest): Record<string, string> {
  return { accept: 'application/json', ...request.headers, ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}) };
}

function anthropicHeaders(request: ModelListRequest): Record<string, string> {
  return { accept: 'application/json', 'anthropic-version': ANTHROPIC_VERSION, ...request.headers, ...(request.apiKey ? { 'x-api-key': request.apiKey } : {}) };
}

/** `base` + `/path`, keeping the base's own path (`https://api.openai.com/v1` + `models`). */
function joinUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  return url;
}

function listOf(body: unknown): Record<string, unknown>[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new ProviderError({ errorClass: 'protocol', message: 'The models endpoint answered without a "data" list.', retryable: false });
  }
  return data.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
}

/** An end-of-life date from whichever field a service uses for it. */
function retiresOn(entry: Record<string, unknown>): string | undefined {
  for (const field of ['retirement_date', 'deprecation_date', 'expiration_date', 'end_of_life_date', 'shutdown_date']) {
    const value = entry[field];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
      return value.slice(0, 10);
    }
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      return new Date(value * 1000).toISOString().slice(0, 10);
    }
  }
  return undefined;
}

function openAiModel(entry: Record<string, unknown>): ListedModel | undefined {
  if (typeof entry.id !== 'string' || entry.id === '') {
    return undefined;
  }
  const created = typeof entry.created === 'number' && Number.isFinite(entry.created) ? new Date(entry.created * 1000).toISOString() : undefined;
  const eol = retiresOn(entry);
  return {
    id: entry.id,
    ...(typeof entry.name === 'string' ? { displayName: entry.name } : {}),
    ...(created ? { createdAt: created } : {}),
    ...(eol ? { retiresOn: eol } : {}),
    ...(entry.deprecated === true ? { deprecated: true } : {}),
  };
}

function anthropicModel(entry: Record<string, unknown>): ListedModel | undefined {
  if (typeof entry.id !== 'string' || entry.id === '') {
    return undefined;
  }
  const eol = retiresOn(entry);
  return {
    id: entry.id,
    ...(typeof entry.display_name === 'string' ? { displayName: entry.display_name } : {}),
    ...(typeof entry.created_at === 'string' ? { createdAt: entry.created_at } : {}),
    ...(eol ? { retiresOn: eol } : {}),
    ...(entry.deprecated === true ? { deprecated: true } : {}),
  };
}

function getJson(url: URL, headers: Record<string, string>, deadline: number, signal: AbortSignal | undefined): Promise<unknown> {
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) {
    return Promise.reject(new ProviderError({ errorClass: 'protocol', message: `Unsupported URL ${url.protocol}`, retryable: false }));
  }
  return new Promise((resolve, reject) => {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || signal?.aborted) {
      reject(new ProviderError({ errorClass: signal?.aborted ? 'cancelled' : 'timeout', message: 'The model list request ran out of time.', retryable: true }));
      return;
    }
    const req = transport.request(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error('body too large'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status < 200 || status >= 300) {
          const errorClass = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : status >= 500 ? 'server' : 'protocol';
          reject(new ProviderError({ errorClass, message: `The models endpoint answered ${status}.`, httpStatus: status, retryable: status === 429 || status >= 500 }));
          return;
        }
        try {
          resolve(JSON.parse(text) as unknown);
        } catch {
          reject(new ProviderError({ errorClass: 'protocol', message: 'The models endpoint answered with something that is not JSON.', retryable: false }));
        }
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(new ProviderError({ errorClass: 'network', message: `Reading the model list failed: ${error.message}`, retryable: true }));
      });
    });
    const timer = setTimeout(() => req.destroy(new Error('deadline')), remaining);
    const onAbort = (): void => { req.destroy(new Error('cancelled')); };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const cancelled = signal?.aborted ?? false;
      const timedOut = error.message === 'deadline';
      reject(new ProviderError({
        errorClass: cancelled ? 'cancelled' : timedOut ? 'timeout' : 'network',
        message: cancelled ? 'The model list request was cancelled.' : timedOut ? 'The model list request ran out of time.' : `The models endpoint could not be reached: ${error.message}`,
        retryable: !cancelled,
      }));
    });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    req.end();
  });
}
