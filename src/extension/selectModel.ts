/**
 * "Credit Meter: Select Model": the models of the configured providers (their models endpoints'
 * lists merged with the configured ones, cached for a day in global state) and the language models
 * VS Code offers (e.g. Copilot's), each with its price from the catalogue ("no price" when it has
 * none, never 0) and its end-of-life date when it is retiring; the choice becomes
 * `creditMeter.defaultModel`.
 */
import * as vscode from 'vscode';
import { formatTokens } from '../core/format/credits';
import { type ListedModel, type ModelListCache, type OfferedModel, isFresh, mergeModelLists, retirementLabel } from '../core/models/modelList';
import { modelPricing, type CreditProfile } from '../core/pricing';
import { contextWindowFor } from '../core/estimate/contextWindow';
import { formatModelRef } from '../core/settings/modelRef';
import type { ProviderConfig } from '../core/settings/settings';
import { fetchModelList } from '../providers/modelList';
import type { Services } from './services';

const CACHE_KEY = 'creditMeter.modelLists';
/** How long the picker waits for stale lists before showing what it has. */
const PICKER_WAIT_MS = 4000;

export interface ModelListsOptions {
  readonly globalState: vscode.Memento;
  readonly providers: () => readonly ProviderConfig[];
  /**
   * The key to list a provider's models with, or undefined to skip it. Only a key the user would
   * send there anyway: never one for a provider a workspace redefines.
   */
  readonly apiKey: (provider: ProviderConfig) => Thenable<string | undefined>;
  readonly log: vscode.LogOutputChannel;
  readonly now?: () => Date;
}

/** Each provider's models endpoint list, cached in global state and refreshed once a day. */
export class ModelLists {
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly options: ModelListsOptions) {}

  /** The models to offer for a provider: configured ones first, then the endpoint's (from the cache). */
  offered(provider: ProviderConfig): OfferedModel[] {
    return mergeModelLists(provider.models, this.cached(provider)?.models, this.now());
  }

  /** Refreshes every provider whose list is stale and that has a key; failures are logged, the cache kept. */
  async refreshStale(): Promise<void> {
    await Promise.all(this.options.providers().filter((provider) => provider.kind !== 'vscode-lm' && provider.baseUrl).map((provider) => this.refresh(provider)));
  }

  private refresh(provider: ProviderConfig): Promise<void> {
    const baseUrl = provider.baseUrl ?? '';
    if (isFresh(this.cached(provider), baseUrl, this.now())) {
      return Promise.resolve();
    }
    let running = this.running.get(provider.id);
    if (!running) {
      running = this.fetch(provider, baseUrl).finally(() => this.running.delete(provider.id));
      this.running.set(provider.id, running);
    }
    return running;
  }

  private async fetch(provider: ProviderConfig, baseUrl: string): Promise<void> {
    const apiKey = await this.options.apiKey(provider);
    if (!apiKey || (provider.kind !== 'openai' && provider.kind !== 'anthropic')) {
      return;
    }
    try {
      const models: ListedModel[] = await fetchModelList({ kind: provider.kind, baseUrl, apiKey, headers: provider.headers });
      const all = { ...this.all(), [provider.id]: { providerId: provider.id, baseUrl, fetchedAt: this.now().toISOString(), models } satisfies ModelListCache };
      await this.options.globalState.update(CACHE_KEY, all);
      this.options.log.info(`Model list of ${provider.id}: ${models.length} models`);
    } catch (error) {
      this.options.log.warn(`Model list of ${provider.id} not refreshed (the built-in list stays): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private cached(provider: ProviderConfig): ModelListCache | undefined {
    const entry = this.all()[provider.id];
    return entry && Array.isArray(entry.models) && typeof entry.fetchedAt === 'string' && typeof entry.baseUrl === 'string' ? entry : undefined;
  }

  private all(): Record<string, ModelListCache> {
    const saved = this.options.globalState.get<unknown>(CACHE_KEY);
    return typeof saved === 'object' && saved !== null ? saved as Record<string, ModelListCache> : {};
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** `$3 / $15 per M · 200k window · retires 2026-11-30`, or `no price · …`. */
export function modelDescription(model: OfferedModel, profile: CreditProfile): string {
  const pricing = modelPricing(model.id, profile);
  const parts: string[] = [];
  if (pricing.kind === 'priced') {
    const input = pricing.priceUncached(1_000_000, 0);
    const output = pricing.priceUncached(0, 1_000_000);
    parts.push(vscode.l10n.t('${0} / ${1} per M', round(input), round(output)));
  } else {
    parts.push(vscode.l10n.t('no price'));
  }
  const window = contextWindowFor(model.id, profile, pricing.kind === 'priced' ? pricing.catalogue : undefined);
  if (window) {
    parts.push(vscode.l10n.t('{0} window', formatTokens(window.tokens)));
  }
  const retiring = retirementLabel(model.retirement);
  if (retiring) {
    parts.push(`$(warning) ${retiring}`);
  }
  return parts.join(' · ');
}

function round(usd: number): string {
  return String(Number(usd.toPrecision(3)));
}

interface ModelItem extends vscode.QuickPickItem {
  readonly modelRef?: string;
}

export async function selectModel(services: Services, modelRef?: string): Promise<string | undefined> {
  if (modelRef !== undefined) {
    await services.config.update('defaultModel', modelRef);
    return modelRef;
  }
  // Stale lists get a few seconds to refresh; the picker then shows what it has (the built-in list at worst).
  await Promise.race([services.modelLists.refreshStale(), new Promise((resolve) => setTimeout(resolve, PICKER_WAIT_MS))]);
  const settings = services.config.settings;
  const items: ModelItem[] = [];
  for (const provider of settings.providers.filter((p) => p.kind !== 'vscode-lm')) {
    items.push({ label: provider.id, kind: vscode.QuickPickItemKind.Separator });
    for (const model of services.modelLists.offered(provider)) {
      const ref = formatModelRef({ providerId: provider.id, model: model.id });
      items.push({
        label: model.id,
        description: modelDescription(model, services.profile),
        ...(model.displayName ? { detail: model.displayName } : {}),
        modelRef: ref,
        picked: ref === settings.defaultModel,
      });
    }
  }
  const lmProviderId = settings.providers.find((p) => p.kind === 'vscode-lm')?.id ?? 'vscode-lm';
  try {
    const models = await vscode.lm.selectChatModels();
    if (models.length > 0) {
      items.push({ label: vscode.l10n.t('VS Code language models'), kind: vscode.QuickPickItemKind.Separator });
      for (const model of models) {
        items.push({ label: model.name, description: `${model.vendor} · ${model.id}`, modelRef: formatModelRef({ providerId: lmProviderId, model: model.id }) });
      }
    }
  } catch (error) {
    services.log.warn(`Language models unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const current = items.find((item) => item.modelRef === settings.defaultModel);
  if (current) {
    current.description = `${current.description ?? ''} ${vscode.l10n.t('(current)')}`.trim();
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Model for new requests (now {0})', settings.defaultModel), matchOnDescription: true, matchOnDetail: true });
  if (!picked?.modelRef) {
    return undefined;
  }
  await services.config.update('defaultModel', picked.modelRef);
  const draft = services.liveEstimate.currentDraft;
  if (draft) {
    services.liveEstimate.update({ source: draft.source, modelRef: picked.modelRef });
  }
  return picked.modelRef;
}
