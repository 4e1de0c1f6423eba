import * as vscode from 'vscode';
import type { TokenUsage } from '../core/usage';
import { redactSecrets } from '../core/redact';
import { cancelledError, ProviderError } from '../providers/providerError';
import type { AttemptOutcome, AttemptStatus, ChatEvents, ChatProvider, ChatRequest, ChatResult } from '../providers/types';

export interface LanguageModelProviderOptions {
  /** Narrows the models considered, e.g. `{ vendor: 'copilot' }`. The request's model is matched by id, then by family. */
  readonly vendor?: string;
  /** Shown by VS Code when it asks the user to allow Credit Meter to use the model. */
  readonly justification?: string;
}

/**
 * Sends through a language model another extension provides (`vscode.lm`, e.g. Copilot). The API
 * returns no usage, so input and output are counted with the model's own `countTokens`
 * (`usageSource: 'counted'`). One attempt only: the providing extension does its own retrying.
 */
export class LanguageModelProvider implements ChatProvider {
  readonly kind = 'vscode-lm' as const;

  constructor(private readonly options: LanguageModelProviderOptions = {}) {}

  async send(request: ChatRequest, events: ChatEvents = {}): Promise<ChatResult> {
    if (request.signal?.aborted) {
      return { ok: false, status: 'cancelled', text: '', attempts: [], error: cancelledError() };
    }
    const startedAt = new Date();
    const source = new vscode.CancellationTokenSource();
    const onAbort = (): void => source.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    let firstTokenAt: Date | undefined;
    let model: vscode.LanguageModelChat | undefined;
    let status: AttemptStatus = 'ok';
    let error: ProviderError | undefined;
    let inputCount: Promise<number | undefined> = Promise.resolve(undefined);
    try {
      model = await this.selectModel(request.model);
      const messages = [
        ...(request.system ? [vscode.LanguageModelChatMessage.User(request.system)] : []),
        ...request.messages.map((m) =>
          m.role === 'user' ? vscode.LanguageModelChatMessage.User(m.content) : vscode.LanguageModelChatMessage.Assistant(m.content)),
      ];
      inputCount = countAll(model, messages);
      const response = await model.sendRequest(messages, { justification: this.options.justification }, source.token);
      for await (const delta of response.text) {
        if (!delta) {
          continue;
        }
        if (!firstTokenAt) {
          firstTokenAt = new Date();
          events.onFirstToken?.(firstTokenAt);
        }
        text += delta;
        events.onText?.(delta);
      }
      if (request.signal?.aborted) {
        status = 'cancelled';
        error = cancelledError();
      }
    } catch (caught) {
      if (request.signal?.aborted || caught instanceof vscode.CancellationError) {
        status = 'cancelled';
        error = cancelledError();
      } else {
        error = toProviderError(caught, request.model);
        status = text ? 'aborted' : 'error';
      }
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
    }
    let usage: TokenUsage | undefined;
    if (model && status !== 'error') {
      const input = await inputCount;
      const output = text ? await countSafely(model, text) : 0;
      if (input !== undefined && output !== undefined) {
        usage = { inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0 };
      }
    }
    source.dispose();
    const outcome: AttemptOutcome = {
      attempt: 1,
      status,
      usage,
      usageSource: 'counted',
      chargeSource: 'computed',
      modelServed: model?.id,
      error,
      startedAt,
      firstTokenAt,
      finishedAt: new Date(),
      text,
    };
    events.onAttempt?.(outcome);
    return { ok: status === 'ok', status, text, attempts: [outcome], error };
  }

  private async selectModel(wanted: string): Promise<vscode.LanguageModelChat> {
    const vendor = this.options.vendor;
    const byId = await vscode.lm.selectChatModels({ vendor, id: wanted });
    const models = byId.length > 0 ? byId : await vscode.lm.selectChatModels({ vendor, family: wanted });
    if (models.length === 0) {
      throw new ProviderError({
        errorClass: 'not_found',
        retryable: false,
        message: vscode.l10n.t("No VS Code language model matches '{0}'. Sign in to a chat extension such as GitHub Copilot, or pick another model.", wanted),
      });
    }
    return models[0];
  }
}

/** Counts each message with the model's tokenizer; undefined if the model cannot count (cancelled, gone). */
async function countAll(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[]): Promise<number | undefined> {
  try {
    const counts = await Promise.all(messages.map((message) => model.countTokens(message)));
    return counts.reduce((sum, n) => sum + n, 0);
  } catch {
    return undefined;
  }
}

async function countSafely(model: vscode.LanguageModelChat, text: string): Promise<number | undefined> {
  try {
    return await model.countTokens(text);
  } catch {
    return undefined;
  }
}

function toProviderError(caught: unknown, model: string): ProviderError {
  if (caught instanceof ProviderError) {
    return caught;
  }
  const detail = caught instanceof Error ? redactSecrets(caught.message).slice(0, 300) : undefined;
  if (caught instanceof vscode.LanguageModelError) {
    switch (caught.code) {
      case vscode.LanguageModelError.NoPermissions().code:
        return new ProviderError({
          errorClass: 'auth', retryable: false, detail, providerType: caught.code,
          message: vscode.l10n.t("Credit Meter may not use '{0}' yet. Allow it when VS Code asks, or under Accounts > Manage Language Model Access.", model),
        });
      case vscode.LanguageModelError.NotFound().code:
        return new ProviderError({
          errorClass: 'not_found', retryable: false, detail, providerType: caught.code,
          message: vscode.l10n.t("The language model '{0}' is no longer available. Pick another model.", model),
        });
      case vscode.LanguageModelError.Blocked().code:
        return new ProviderError({
          errorClass: 'quota', retryable: false, detail, providerType: caught.code,
          message: vscode.l10n.t("Requests to '{0}' are blocked for now, usually because a usage limit was reached. Try later or pick another model.", model),
        });
      default:
        break;
    }
  }
  return new ProviderError({
    errorClass: 'server', retryable: false, detail,
    message: detail ? vscode.l10n.t("The language model '{0}' failed: {1}.", model, detail) : vscode.l10n.t("The language model '{0}' failed.", model),
  });
}
