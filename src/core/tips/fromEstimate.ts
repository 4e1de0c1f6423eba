/**
 * Builds the tips' inputs from the core's own estimate and pricing, so a tip's saving is priced by
 * the same profile, catalogue and tokenizer as the estimate shown next to it.
 */
import type { ContextItem, Estimate } from '../estimate';
import { type CreditProfile, type ProviderHints, quoteCredits } from '../pricing';
import { loadCounter } from '../tokens';
import type { PriceRequest, TipDraft } from './tip';

/** The draft the estimate describes, with the texts the estimate was made from (same order as its context parts). */
export function tipDraftFromEstimate(estimate: Estimate, prompt: string, contexts: readonly ContextItem[], toolCount = 0): TipDraft {
  let systemTokens = 0;
  let promptTokens = 0;
  let overheadTokens = 0;
  let toolsTokens = 0;
  let historyTokens = 0;
  const contextTokens: number[] = [];
  for (const part of estimate.parts) {
    switch (part.kind) {
      case 'system':
        systemTokens += part.tokens;
        break;
      case 'prompt':
        promptTokens += part.tokens;
        break;
      case 'history':
        historyTokens += part.tokens;
        break;
      case 'context':
        contextTokens.push(part.tokens);
        break;
      case 'tools':
        toolsTokens += part.tokens;
        break;
      case 'overhead':
        overheadTokens += part.tokens;
        break;
      default: {
        const unreachable: never = part.kind;
        throw new Error(`unknown estimate part ${String(unreachable)}`);
      }
    }
  }
  return {
    model: estimate.model,
    prompt,
    promptTokens,
    systemTokens,
    overheadTokens,
    contexts: contexts.map((item, index) => ({
      label: item.label,
      kind: item.kind,
      tokens: contextTokens[index] ?? 0,
      text: item.text,
    })),
    ...(toolsTokens > 0 ? { tools: { count: Math.max(1, toolCount), tokens: toolsTokens } } : {}),
    output: { p50: estimate.outputTokens.p50, p90: estimate.outputTokens.p90 },
    kind: estimate.kind,
    ...(historyTokens > 0 ? { history: { tokens: historyTokens, turns: estimate.historyTurns } } : {}),
    ...(estimate.cache && estimate.cache.rules !== 'none'
      ? { cache: { readTokens: estimate.cache.readTokens, writeTokens: estimate.cache.writeTokens, write1hTokens: estimate.cache.write1hTokens, freshTokens: estimate.cache.freshTokens } }
      : {}),
  };
}

/** Credits of one request under the credit profile (minimum charge and rounding included). */
export function profilePrice(profile: CreditProfile, hintsFor: (model: string) => ProviderHints = () => ({})): PriceRequest {
  return (model, usage) => quoteCredits(usage, model, profile, {}, hintsFor(model)).credits;
}

/** Counts text as the estimate did: its encoding, times its calibration factor for proxy-counted models. */
export function estimateTokenCounter(estimate: Estimate): (text: string) => number {
  const counter = loadCounter(estimate.encoding);
  return (text) => Math.round(counter.count(text) * estimate.calibration);
}
