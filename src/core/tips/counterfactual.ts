import { ZERO_USAGE, type TokenUsage } from '../usage';
import type { PriceRequest, TipDraft } from './tip';

/** Every input token of the draft, as the estimate counted them. */
export function draftInputTokens(draft: TipDraft): number {
  const contexts = draft.contexts.reduce((sum, context) => sum + context.tokens, 0);
  return draft.systemTokens + (draft.history?.tokens ?? 0) + draft.promptTokens + contexts + (draft.tools?.tokens ?? 0) + (draft.overheadTokens ?? 0);
}

/** The draft as the estimate prices it: all input uncached, the typical (p50) answer length. */
export function draftUsage(draft: TipDraft, outputTokens = draft.output.p50): TokenUsage {
  return { ...ZERO_USAGE, inputTokens: draftInputTokens(draft), outputTokens };
}

/**
 * Credits saved by changing `from` into `to`, pricing both whole requests: minimum charges and
 * rounding in the credit profile then apply exactly as they would to the real request.
 */
export function creditsSaved(price: PriceRequest, model: string, from: TokenUsage, to: TokenUsage, toModel = model): number | undefined {
  const before = price(model, from);
  const after = price(toModel, to);
  if (before === undefined || after === undefined) {
    return undefined;
  }
  return Math.max(0, before - after);
}

/** The draft's usage with `tokens` fewer input tokens. */
export function withoutInput(usage: TokenUsage, tokens: number): TokenUsage {
  return { ...usage, inputTokens: Math.max(0, usage.inputTokens - tokens) };
}
