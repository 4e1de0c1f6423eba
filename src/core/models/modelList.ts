/**
 * The models a provider offers: its models endpoint's list (cached, refreshed daily) merged with the
 * configured built-in list (the offline fallback), each flagged when it is deprecated or retiring.
 * Pure: the HTTP request lives in `src/providers/modelList.ts`, the cache in the extension's state.
 */

/** One model as a models endpoint lists it. */
export interface ListedModel {
  readonly id: string;
  readonly displayName?: string;
  /** ISO date the provider created it, when it says. */
  readonly createdAt?: string;
  /** End-of-life the endpoint itself reported (a field some OpenAI-compatible services return). */
  readonly retiresOn?: string;
  /** The endpoint marked it deprecated. */
  readonly deprecated?: boolean;
}

/** A provider's list as fetched, kept in the extension's global state. */
export interface ModelListCache {
  readonly providerId: string;
  /** The base URL it was fetched from: a changed URL makes it stale. */
  readonly baseUrl: string;
  /** ISO time of the fetch. */
  readonly fetchedAt: string;
  readonly models: readonly ListedModel[];
}

/** A fetched list is refreshed once it is a day old. */
export const MODEL_LIST_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function isFresh(cache: ModelListCache | undefined, baseUrl: string, now: Date, maxAgeMs = MODEL_LIST_MAX_AGE_MS): boolean {
  if (!cache || cache.baseUrl !== baseUrl) {
    return false;
  }
  const age = now.getTime() - Date.parse(cache.fetchedAt);
  return Number.isFinite(age) && age >= 0 && age < maxAgeMs;
}

export interface Retirement {
  /** ISO date (YYYY-MM-DD) after which the provider stops serving it. */
  readonly date: string;
  /** True when that date has passed. */
  readonly retired: boolean;
  /** The built-in table (from the providers' deprecation pages) or the models endpoint. */
  readonly source: 'table' | 'endpoint';
}

/**
 * Retirement dates published on the providers' deprecation pages (Anthropic "Model deprecations",
 * OpenAI "Deprecations"), by model id prefix; a dated snapshot id (`claude-3-opus-20240229`) matches
 * its prefix. Only announced dates are listed.
 */
export const MODEL_RETIREMENTS: readonly { readonly prefix: string; readonly provider: 'anthropic' | 'openai'; readonly date: string }[] = [
  { prefix: 'claude-sonnet-4-5', provider: 'anthropic', date: '2026-11-30' },
  { prefix: 'claude-3-7-sonnet', provider: 'anthropic', date: '2026-02-19' },
  { prefix: 'claude-3-5-haiku', provider: 'anthropic', date: '2026-02-19' },
  { prefix: 'claude-3-opus', provider: 'anthropic', date: '2026-01-05' },
  { prefix: 'claude-3-5-sonnet', provider: 'anthropic', date: '2025-10-22' },
  { prefix: 'claude-3-sonnet', provider: 'anthropic', date: '2025-07-21' },
  { prefix: 'claude-2', provider: 'anthropic', date: '2025-07-21' },
  { prefix: 'claude-instant', provider: 'anthropic', date: '2025-07-21' },
  { prefix: 'o1-mini', provider: 'openai', date: '2025-10-27' },
  { prefix: 'o1-preview', provider: 'openai', date: '2025-07-28' },
  { prefix: 'gpt-4.5-preview', provider: 'openai', date: '2025-07-14' },
  { prefix: 'gpt-4-32k', provider: 'openai', date: '2025-06-06' },
];

/** When a model retires (from the endpoint's own field first, else the table), or undefined. */
export function retirementOf(model: Pick<ListedModel, 'id' | 'retiresOn' | 'deprecated'>, now: Date): Retirement | undefined {
  const today = now.toISOString().slice(0, 10);
  if (model.retiresOn && /^\d{4}-\d{2}-\d{2}/.test(model.retiresOn)) {
    const date = model.retiresOn.slice(0, 10);
    return { date, retired: date < today, source: 'endpoint' };
  }
  const id = model.id.toLowerCase().replace(/^.*\//, '');
  const entry = MODEL_RETIREMENTS.find((row) => id === row.prefix || id.startsWith(`${row.prefix}-`) || id.startsWith(`${row.prefix}@`));
  return entry ? { date: entry.date, retired: entry.date < today, source: 'table' } : undefined;
}

/** Ids of an OpenAI-compatible list that are not chat models (embeddings, speech, images, moderation). */
const NOT_CHAT = /(?:embedding|whisper|tts|transcribe|dall-e|gpt-image|-image|moderation|babbage|davinci|sora|realtime|audio|search-preview|computer-use|codex-mini-latest)/i;

export function isChatModel(id: string): boolean {
  return !NOT_CHAT.test(id);
}

export interface OfferedModel {
  readonly id: string;
  readonly displayName?: string;
  /** From the settings' list, the endpoint's, or both. */
  readonly source: 'settings' | 'endpoint' | 'both';
  readonly retirement?: Retirement;
}

/**
 * The models to offer: the configured ones first, in their order, then the endpoint's chat models
 * not configured, newest first. Models retired by their date are left out of the endpoint's part
 * (a configured one stays, flagged, so the user sees why it fails).
 */
export function mergeModelLists(configured: readonly string[], fetched: readonly ListedModel[] | undefined, now: Date): OfferedModel[] {
  const byId = new Map((fetched ?? []).map((model) => [model.id, model]));
  const offered: OfferedModel[] = configured.map((id) => {
    const listed = byId.get(id);
    const retirement = retirementOf(listed ?? { id }, now);
    return {
      id,
      ...(listed?.displayName ? { displayName: listed.displayName } : {}),
      source: listed ? 'both' : 'settings',
      ...(retirement ? { retirement } : {}),
    };
  });
  const configuredIds = new Set(configured);
  const extra = (fetched ?? [])
    .filter((model) => !configuredIds.has(model.id) && isChatModel(model.id))
    .map((model) => ({ model, retirement: retirementOf(model, now) }))
    .filter(({ retirement }) => !retirement?.retired)
    .sort((a, b) => (b.model.createdAt ?? '').localeCompare(a.model.createdAt ?? '') || a.model.id.localeCompare(b.model.id));
  for (const { model, retirement } of extra) {
    offered.push({ id: model.id, ...(model.displayName ? { displayName: model.displayName } : {}), source: 'endpoint', ...(retirement ? { retirement } : {}) });
  }
  return offered;
}

/** `retires 2026-11-30`, `retired 2025-10-22`, or undefined. */
export function retirementLabel(retirement: Retirement | undefined): string | undefined {
  if (!retirement) {
    return undefined;
  }
  return `${retirement.retired ? 'retired' : 'retires'} ${retirement.date}`;
}
