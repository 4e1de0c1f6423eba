/**
 * Which provider a model reference names, built with its settings and with its API key from secret
 * storage when the key may go to that provider's origin (asking first when it was stored for another).
 */
import * as vscode from 'vscode';
import { isLoopbackUrl } from '../core/loopback';
import type { CreditProfile } from '../core/pricing';
import type { ModelRef } from '../core/settings/modelRef';
import type { ProviderConfig } from '../core/settings/settings';
import { type CalibrationTable, loadCounter, tokenizerForModel } from '../core/tokens';
import { createAnthropicProvider, createOpenAiCompatibleProvider } from '../providers';
import type { ChatProvider } from '../providers/types';
import type { Config } from './config';
import { UserFacingError } from './errorDisplay';
import { LanguageModelProvider } from './languageModelProvider';
import type { ApiKeys, ConfirmKeyOrigin } from './secrets';

export interface ProviderRegistryOptions {
  readonly config: Config;
  readonly apiKeys: ApiKeys;
  readonly profile: () => CreditProfile;
  readonly calibration: () => CalibrationTable;
  /** Asked before a key goes to an origin it was not stored for. */
  readonly confirmKeyOrigin: () => ConfirmKeyOrigin;
}

export class ProviderRegistry {
  constructor(private readonly options: ProviderRegistryOptions) {}

  async providerFor(ref: ModelRef): Promise<{ provider: ChatProvider; config: ProviderConfig }> {
    const settings = this.options.config.settings;
    const config = settings.providers.find((provider) => provider.id === ref.providerId);
    const justification = vscode.l10n.t('Credit Meter sends your prompt to this model.');
    if (!config) {
      if (ref.providerId === 'vscode-lm') {
        return { provider: new LanguageModelProvider({ justification }), config: { id: 'vscode-lm', kind: 'vscode-lm', models: [], headers: {} } };
      }
      throw new UserFacingError(vscode.l10n.t('No provider "{0}" is configured. Pick a model with "Credit Meter: Select Model".', ref.providerId), { title: vscode.l10n.t('Select Model'), command: 'creditMeter.selectModel' });
    }
    if (config.kind === 'vscode-lm') {
      return { provider: new LanguageModelProvider({ justification }), config };
    }
    const baseUrl = config.baseUrl ?? '';
    const setKey = { title: vscode.l10n.t('Set API Key'), command: 'creditMeter.setApiKey', args: [config.id] };
    const lookup = await this.options.apiKeys.keyFor(config.id, baseUrl, { confirm: (question) => this.options.confirmKeyOrigin()(question) });
    if (lookup.kind === 'declined') {
      const notSent = lookup.storedForHost
        ? vscode.l10n.t('Not sent: your API key for "{0}" belongs to {1}, and "{0}" now points at {2}.', config.id, lookup.storedForHost, lookup.host)
        : vscode.l10n.t('Not sent: your API key for "{0}" is not bound to any server, and "{0}" now points at {1}.', config.id, lookup.host);
      const again = lookup.remembered ? ` ${vscode.l10n.t('You chose never to send it there; set the key again for {0} to change that.', lookup.host)}` : '';
      throw new UserFacingError(`${notSent}${again}`, setKey);
    }
    const apiKey = lookup.kind === 'key' ? lookup.key : undefined;
    if (!apiKey && !isLoopbackUrl(baseUrl)) {
      throw new UserFacingError(vscode.l10n.t('No API key for "{0}". Set one with "Credit Meter: Set API Key".', config.id), setKey);
    }
    const profile = this.options.profile();
    const options = {
      baseUrl,
      ...(apiKey ? { apiKey } : {}),
      headers: config.headers,
      maxAttempts: settings.maxRetries + 1,
      requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
      errorBodyTimeoutMs: settings.errorBodyTimeoutSeconds * 1000,
      ...(config.creditsHeader ?? profile.creditsHeader ? { chargedCreditsHeader: config.creditsHeader ?? profile.creditsHeader } : {}),
      ...(config.regionHeader ? { regionHeaders: [config.regionHeader] } : {}),
      // A stream cut before its usage chunk is billed on our own count of what was sent and received.
      estimateTokens: (text: string) => {
        const tokenizer = tokenizerForModel(ref.model, this.options.calibration());
        return Math.round(loadCounter(tokenizer.encoding).count(text) * tokenizer.calibration);
      },
    };
    const provider = config.kind === 'anthropic' ? createAnthropicProvider(options) : createOpenAiCompatibleProvider(options);
    return { provider, config };
  }
}
