/**
 * Keystroke-fast estimates of a draft. The prompt is counted incrementally (only the edited blocks are
 * recounted), each context item's count is remembered by its text, and pricing is resolved once per
 * model, so a keystroke costs a diff and a few multiplications. No `vscode` here.
 */
import { costRange } from '../../core/estimate/costRange';
import { messageOverhead } from '../../core/estimate/messageOverhead';
import { predictOutput, type HistoryRecord } from '../../core/estimate/outputModel';
import type { EstimatePart, EstimateSummary } from '../../core/format/statusView';
import { modelPricing, type CreditProfile, type ProviderHints } from '../../core/pricing';
import { CalibrationTable, DocumentCounter, loadCounter, tokenizerForModel, type TokenCounter } from '../../core/tokens';
import type { RequestKind } from '../../core/ledger/usageRecord';
import { contextBlock } from './composeMessage';
import type { DraftContext, SendTimeEstimate } from './turnTypes';

export interface DraftEstimateInput {
  /** Model id as the provider knows it. */
  readonly model: string;
  readonly system: string;
  readonly prompt: string;
  readonly contexts: readonly DraftContext[];
  readonly kind: RequestKind;
  readonly hints?: ProviderHints;
}

export interface DraftEstimate {
  readonly summary: EstimateSummary;
  readonly sendTime: SendTimeEstimate;
  /** Provider-scale token counts of each part, for tips. */
  readonly promptTokens: number;
  readonly systemTokens: number;
  readonly contextTokens: readonly number[];
  /** Model family of the tokenizer, and our raw (uncalibrated) count of the text: calibration learns from these. */
  readonly family: string;
  readonly countedInputTokens: number;
}

export interface DraftEstimatorOptions {
  readonly profile: () => CreditProfile;
  readonly calibration: () => CalibrationTable;
  readonly history: () => readonly HistoryRecord[];
}

const CONTEXT_CACHE_LIMIT = 64;

/** The shortest edit turning `before` into `after`: common prefix and suffix kept. */
export function diffEdit(before: string, after: string): { offset: number; deleteCount: number; insert: string } {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) {
    suffix++;
  }
  return { offset: prefix, deleteCount: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

export class DraftEstimator {
  private promptCounter: DocumentCounter | undefined;
  private promptEncoding: string | undefined;
  /** Context text -> (encoding, kind, label) -> tokens of the wrapped block. */
  private readonly contextCounts = new Map<string, Map<string, number>>();
  private systemCache: { text: string; encoding: string; tokens: number } | undefined;

  constructor(private readonly options: DraftEstimatorOptions) {}

  estimate(input: DraftEstimateInput): DraftEstimate {
    const tokenizer = tokenizerForModel(input.model, this.options.calibration());
    const counter = loadCounter(tokenizer.encoding);
    const scale = (raw: number): number => (tokenizer.exact ? raw : Math.round(raw * tokenizer.calibration));

    const systemRaw = this.countSystem(counter, input.system);
    const promptRaw = this.countPrompt(counter, input.prompt);
    const contextRaw = input.contexts.map((context) => this.countContext(counter, context));
    const messages = input.system ? 2 : 1;

    const parts: EstimatePart[] = [];
    if (input.system) {
      parts.push({ label: 'system', tokens: scale(systemRaw), exact: tokenizer.exact });
    }
    parts.push({ label: 'prompt', tokens: scale(promptRaw), exact: tokenizer.exact });
    input.contexts.forEach((context, index) => parts.push({ label: context.label, tokens: scale(contextRaw[index]), exact: tokenizer.exact }));
    parts.push({ label: 'message overhead', tokens: messageOverhead(messages), exact: tokenizer.exact });
    const inputTokens = parts.reduce((sum, part) => sum + part.tokens, 0);

    const output = predictOutput(this.options.history(), input.model, tokenizer.family, input.kind, (model) => tokenizerForModel(model).family);
    const profile = this.options.profile();
    const cost = costRange(modelPricing(input.model, profile, input.hints), profile, input.model, inputTokens, output, 1);
    const credits = cost.kind === 'priced' ? cost.credits : null;
    const contextTokens = contextRaw.map(scale);

    return {
      summary: {
        model: input.model,
        credits,
        inputTokens,
        outputTokens: { p50: output.p50, p90: output.p90 },
        parts,
        exact: tokenizer.exact,
      },
      sendTime: {
        record: credits
          ? { low: credits.low, expected: credits.expected, high: credits.high, inputTokens, outputTokens: output.p50, cacheReadTokens: 0, cacheWriteTokens: 0 }
          : null,
        counts: { systemTokens: scale(systemRaw), toolsTokens: 0, contextTokens, inputTokens },
      },
      promptTokens: scale(promptRaw),
      systemTokens: scale(systemRaw),
      contextTokens,
      family: tokenizer.family,
      countedInputTokens: systemRaw + promptRaw + contextRaw.reduce((sum, tokens) => sum + tokens, 0) + messageOverhead(messages),
    };
  }

  private countSystem(counter: TokenCounter, text: string): number {
    if (this.systemCache?.text !== text || this.systemCache.encoding !== counter.encoding) {
      this.systemCache = { text, encoding: counter.encoding, tokens: text ? counter.count(text) : 0 };
    }
    return this.systemCache.tokens;
  }

  private countPrompt(counter: TokenCounter, prompt: string): number {
    if (!this.promptCounter || this.promptEncoding !== counter.encoding) {
      this.promptCounter = new DocumentCounter(counter, prompt);
      this.promptEncoding = counter.encoding;
      return this.promptCounter.tokens;
    }
    const edit = diffEdit(this.promptCounter.text, prompt);
    if (edit.deleteCount === 0 && edit.insert.length === 0) {
      return this.promptCounter.tokens;
    }
    return this.promptCounter.applyEdit(edit.offset, edit.deleteCount, edit.insert);
  }

  /**
   * Counts the context as it is sent (wrapped with its label), remembered by its text. The text
   * itself is the key (no concatenation), so an unchanged context costs a hash lookup that V8 has
   * already cached on the string, not a copy of a megabyte per keystroke.
   */
  private countContext(counter: TokenCounter, context: DraftContext): number {
    const header = `${counter.encoding}\u0000${context.kind}\u0000${context.label}`;
    const byHeader = this.contextCounts.get(context.text);
    const cached = byHeader?.get(header);
    if (cached !== undefined) {
      return cached;
    }
    const tokens = counter.count(contextBlock(context));
    if (!byHeader && this.contextCounts.size >= CONTEXT_CACHE_LIMIT) {
      const oldest = this.contextCounts.keys().next().value;
      if (oldest !== undefined) {
        this.contextCounts.delete(oldest);
      }
    }
    (byHeader ?? this.contextCounts.set(context.text, new Map()).get(context.text)!).set(header, tokens);
    return tokens;
  }
}

