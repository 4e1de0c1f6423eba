/**
 * Which requests the gateway serves: `/<provider id>/<rest>` for every configured provider, where
 * `<rest>` is one of the routes below (a leading `v1/` is optional, so SDK base URLs with and without
 * `/v1` both work). Everything else is refused with 404.
 *
 * | provider kind | method and path | what happens |
 * | --- | --- | --- |
 * | openai | `POST chat/completions` | metered (Chat Completions) |
 * | openai | `POST responses` | metered (Responses) |
 * | openai | `GET models`, `GET models/<id>` | passed through |
 * | anthropic | `POST v1/messages` | metered (Messages) |
 * | anthropic | `POST v1/messages/count_tokens` | passed through |
 * | anthropic | `GET v1/models`, `GET v1/models/<id>` | passed through |
 *
 * The upstream URL is the provider's `baseUrl` joined with the route's own path (never the client's
 * text), so a request can only reach the configured origin; the query string is kept as sent.
 */
import type { RawRequestFormat } from '../core/estimate/rawRequest';
import type { ProviderConfig } from '../core/settings/settings';
import type { GatewayProvider } from './types';

export type RouteName = 'chat' | 'responses' | 'messages' | 'count_tokens' | 'models';

export interface Route {
  readonly provider: GatewayProvider;
  readonly name: RouteName;
  /** Metered routes: the body format the estimator and the usage parser read. */
  readonly format: RawRequestFormat | undefined;
  readonly method: 'GET' | 'POST';
  readonly upstream: URL;
}

export type RouteResult =
  | { readonly ok: true; readonly route: Route }
  | { readonly ok: false; readonly provider: GatewayProvider | undefined; readonly reason: string };

const SEGMENT = /^[A-Za-z0-9._~:@!$&'()*+,;=-]+$/;

/** Joins a base URL and a route path; `/v1` at the end of the base and the start of the path count once. */
export function joinUpstream(baseUrl: string, path: string, query: string): URL {
  const url = new URL(baseUrl);
  const base = url.pathname.replace(/\/+$/, '');
  const overlap = /^\/v\d+(?=\/)/.exec(path)?.[0];
  url.pathname = overlap && base.endsWith(overlap) ? base + path.slice(overlap.length) : base + path;
  url.search = query;
  url.hash = '';
  return url;
}

function match(kind: GatewayProvider['kind'], method: string, rest: readonly string[]): { name: RouteName; path: string; method: 'GET' | 'POST' } | undefined {
  const parts = rest[0] === 'v1' ? rest.slice(1) : rest;
  const joined = parts.join('/');
  if (kind === 'openai') {
    if (method === 'POST' && joined === 'chat/completions') {return { name: 'chat', path: '/chat/completions', method };}
    if (method === 'POST' && joined === 'responses') {return { name: 'responses', path: '/responses', method };}
    if (method === 'GET' && parts[0] === 'models' && parts.length <= 2) {return { name: 'models', path: `/${parts.join('/')}`, method };}
    return undefined;
  }
  if (method === 'POST' && joined === 'messages') {return { name: 'messages', path: '/v1/messages', method };}
  if (method === 'POST' && joined === 'messages/count_tokens') {return { name: 'count_tokens', path: '/v1/messages/count_tokens', method };}
  if (method === 'GET' && parts[0] === 'models' && parts.length <= 2) {return { name: 'models', path: `/v1/${parts.join('/')}`, method };}
  return undefined;
}

const FORMAT: Readonly<Record<RouteName, RawRequestFormat | undefined>> = {
  chat: 'openai',
  responses: 'responses',
  messages: 'anthropic',
  count_tokens: undefined,
  models: undefined,
};

export function resolveRoute(method: string | undefined, rawUrl: string | undefined, providers: readonly GatewayProvider[]): RouteResult {
  const url = rawUrl ?? '';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  if (!path.startsWith('/') || path.includes('\\') || /%(?:2f|5c|2e)/i.test(path)) {
    return { ok: false, provider: undefined, reason: 'not a gateway path' };
  }
  const segments = path.slice(1).split('/');
  if (segments.at(-1) === '') {
    segments.pop();
  }
  if (segments.length < 2 || segments.some((segment) => segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment))) {
    return { ok: false, provider: undefined, reason: 'not a gateway path' };
  }
  const [id, ...rest] = segments;
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) {
    return { ok: false, provider: undefined, reason: `no provider '${id}' is configured` };
  }
  const found = match(provider.kind, method ?? '', rest);
  if (!found) {
    return { ok: false, provider, reason: `${method ?? ''} /${rest.join('/')} is not a route the gateway serves for a${provider.kind === 'openai' ? 'n OpenAI' : 'n Anthropic'} provider` };
  }
  return {
    ok: true,
    route: { provider, name: found.name, format: FORMAT[found.name], method: found.method, upstream: joinUpstream(provider.baseUrl, found.path, query) },
  };
}

/** The configured providers the gateway can forward to: kind openai or anthropic, with a base URL. */
export function gatewayProvidersFrom(configs: readonly ProviderConfig[]): GatewayProvider[] {
  const out: GatewayProvider[] = [];
  for (const provider of configs) {
    if ((provider.kind === 'openai' || provider.kind === 'anthropic') && provider.baseUrl) {
      out.push({
        id: provider.id,
        kind: provider.kind,
        baseUrl: provider.baseUrl,
        headers: provider.headers,
        ...(provider.creditsHeader ? { creditsHeader: provider.creditsHeader } : {}),
        ...(provider.regionHeader ? { regionHeader: provider.regionHeader } : {}),
      });
    }
  }
  return out;
}
