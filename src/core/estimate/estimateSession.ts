/**
 * THE estimator: a live estimate of a draft request, cheap enough to redo on every keystroke. The
 * status bar, Compose, hovers, the send path and the CLI all estimate through it.
 *
 * What it counts is what is sent (`sentRequest.ts`): the system message, each context wrapped in its
 * labelled block, the prompt, and the framing of the model's message format (`messageFormat.ts`).
 * Every part keeps its raw count: the prompt in a `DocumentCounter` (an edit recounts only the blocks
 * it touched); the system message and tools counted once when set; each context block counted once
 * and remembered by its text (the text string itself is the key, so an unchanged item costs a map
 * lookup, never a render or a copy). `estimate()` then only adds a handful of numbers and prices three
 * scenarios through a model pricing resolved once per model.
 *
 * A follow-up in a conversation also resends the earlier turns (`setResentHistory`): each text is
 * counted once and remembered, so a thread that grows by a turn counts only the new texts, and a
 * keystroke never touches the history. With `setCache` the estimate knows what the conversation sent
 * before: the prompt cache's split (read, written, fresh) and its price come from `cacheAwareCost`,
 * the same function the gateway calls; per keystroke only the prompt's block changes size.
 */
import * as l10n from '@vscode/l10n';
import type { CacheRequest, CacheState, PromptBlock } from '../cache';
import { type CreditProfile, DEFAULT_PROFILE, type ModelPricing, type ProviderHints, modelPricing } from '../pricing';
import {
  CalibrationTable,
  DocumentCounter,
  type EncodingName,
  type ModelTokenizer,
  type TokenCounter,
  loadCounter,
  tokenizerForModel,
} from '../tokens';
import { cacheAwareCost } from './cacheCost';
import { type ContextWindow, contextWindowFor, longContextThreshold } from './contextWindow';
import { costRange, highRoundsFor } from './costRange';
import type { ContextItem, Estimate, EstimateCache, EstimateCost, EstimateOptions, EstimatePart, ToolDefinition } from './estimateTypes';
import { type MessageFormat, messageFormatFor, messageOverhead } from './messageFormat';
import { type HistoryRecord, type OutputPrediction, predictOutput } from './outputModel';
import { CLASSIFIED_PREFIX, type RequestKind, classifyKind } from './requestKind';
import { checkRounds, predictRounds, type RoundsSource } from './rounds';
import { PART_JUNCTION, contextBody, messageCount, systemText } from './sentRequest';

export interface EstimateSessionOptions extends EstimateOptions {
  readonly model: string;
  /** Learned calibration factors for proxy-counted families; the priors when absent. */
  readonly calibration?: CalibrationTable;
  /** The counter for an encoding; the tokens module's shared counters by default. */
  readonly counterFor?: (encoding: EncodingName) => TokenCounter;
}

/** Context texts whose counts are kept (items no longer in the draft too, so toggling one back costs nothing). */
const CONTEXT_CACHE_TEXTS = 64;
/** History texts whose counts are kept: a long thread's turns, and those of the thread switched away from. */
const HISTORY_CACHE_TEXTS = 4096;

/** The earlier turns a follow-up resends (`src/core/threads` `buildThreadRequest` gives them). */
export interface ResentHistoryInput {
  /** Every text of the earlier messages, in the order sent: user message parts and answers. */
  readonly texts: readonly string[];
  /** Messages they make up (a user message and an answer per turn). */
  readonly messages: number;
  /** Earlier turns resent. */
  readonly turns: number;
}

/**
 * What the estimate needs to know of the prompt cache: the conversation's state and the request as
 * it would be sent, as a cache request built with a placeholder prompt. Its last block holds the
 * prompt's part (with the framing the adapter adds); per keystroke that block's tokens follow the
 * prompt: `placeholderTokens` out, the prompt's own count (as sent: after the junction when there is
 * context) in.
 */
export interface DraftCache {
  readonly state: CacheState | undefined;
  readonly request: CacheRequest;
  /** Tokens the placeholder prompt counted for in the request's last block. */
  readonly placeholderTokens: number;
  /** When the request would be sent (ms since the epoch): what is cached depends on it. */
  readonly at: number;
}

export class EstimateSession {
  private modelId: string;
  private tokenizer: ModelTokenizer;
  private format: MessageFormat;
  private counter: TokenCounter;
  private profile: CreditProfile;
  private hints: ProviderHints;
  private records: readonly HistoryRecord[];
  private calibration: CalibrationTable;
  private readonly counterFor: (encoding: EncodingName) => TokenCounter;
  private pricing: ModelPricing;
  private window: ContextWindow | undefined;
  private tierStart: number | undefined;

  /** Counts the prompt as sent: after the junction that closes the last context block, when there is one. */
  private prompt: DocumentCounter;
  /** The prompt as typed, kept beside the counter so a keystroke never joins the counter's blocks. */
  private promptString = '';
  private promptLead = '';
  private junctionRaw = 0;
  private systemTexts: readonly string[] = [];
  private systemRaw = 0;
  private tools: readonly ToolDefinition[] = [];
  private toolsRaw = 0;
  private context: readonly ContextItem[] = [];
  private contextRaw: number[] = [];
  /** Raw counts of context bodies per encoding: text -> `kind\0label` -> tokens. */
  private readonly contextCounts = new Map<string, Map<string, Map<string, number>>>();
  private history: ResentHistoryInput | undefined;
  private historyRaw = 0;
  /** Raw counts of history texts per encoding: text -> tokens. */
  private readonly historyCounts = new Map<string, Map<string, number>>();
  private cache: DraftCache | undefined;

  private givenRounds: number | undefined;
  private givenKind: RequestKind | undefined;
  private command: string | undefined;
  private classifiedKind: RequestKind = 'other';
  /** The prompt's start or the command changed since the kind was classified (classified when next needed). */
  private kindStale = true;
  private readonly predictions = new Map<RequestKind, { codeTokens: number; prediction: OutputPrediction }>();
  private readonly roundsByKind = new Map<RequestKind, { rounds: number; source: RoundsSource }>();

  /** Parts that do not change while typing, rebuilt when a part or the model changes. */
  private fixedBefore: EstimatePart[] = [];
  private fixedAfter: EstimatePart[] = [];
  private fixedTokens = 0;
  private fixedRaw = 0;
  private codeTokens = 0;
  private fixedDominant: EstimatePart | undefined;

  constructor(options: EstimateSessionOptions) {
    this.modelId = options.model;
    this.profile = options.profile ?? DEFAULT_PROFILE;
    this.hints = options.providerHints ?? {};
    this.records = options.history ?? [];
    this.calibration = options.calibration ?? new CalibrationTable();
    this.counterFor = options.counterFor ?? loadCounter;
    this.tokenizer = tokenizerForModel(this.modelId, this.calibration);
    this.format = messageFormatFor(this.modelId);
    this.counter = this.counterFor(this.tokenizer.encoding);
    this.junctionRaw = this.counter.count(PART_JUNCTION);
    this.prompt = new DocumentCounter(this.counter);
    this.pricing = modelPricing(this.modelId, this.profile, this.hints);
    this.resolveWindow();
    this.rebuildFixedParts();
  }

  get model(): string {
    return this.modelId;
  }

  /** The prompt as typed (without the junction counted with it). */
  get promptText(): string {
    return this.promptString;
  }

  /** Switches model: recounts everything only when the encoding changes. */
  setModel(model: string, providerHints: ProviderHints = this.hints): void {
    if (model === this.modelId && providerHints === this.hints) {
      return;
    }
    this.modelId = model;
    this.hints = providerHints;
    this.format = messageFormatFor(model);
    this.retokenize();
    this.pricing = modelPricing(model, this.profile, providerHints);
    this.resolveWindow();
    this.predictions.clear();
  }

  setProfile(profile: CreditProfile): void {
    if (profile === this.profile) {
      return;
    }
    this.profile = profile;
    this.pricing = modelPricing(this.modelId, profile, this.hints);
    this.resolveWindow();
  }

  /** Recorded requests the output model and the rounds learn from. */
  setHistory(history: readonly HistoryRecord[]): void {
    this.records = history;
    this.predictions.clear();
    this.roundsByKind.clear();
  }

  /** New calibration factors (e.g. after the ledger learned from actuals). */
  setCalibration(calibration: CalibrationTable): void {
    this.calibration = calibration;
    this.retokenize();
  }

  /** Rounds expected (1 to MAX_ROUNDS); `undefined` lets history of similar requests or the kind decide. */
  setRounds(rounds: number | undefined): void {
    this.givenRounds = rounds === undefined ? undefined : checkRounds(rounds);
  }

  /** `kind` fixes the request kind; without it the kind comes from `command` or the prompt's wording. */
  setKind(kind: RequestKind | undefined, command?: string): void {
    this.givenKind = kind;
    this.command = command;
    this.kindStale = true;
  }

  setSystem(messages: readonly string[]): void {
    this.systemTexts = [...messages];
    const text = systemText(this.systemTexts);
    this.systemRaw = text ? this.counter.count(text) : 0;
    this.rebuildFixedParts();
  }

  setTools(tools: readonly ToolDefinition[]): void {
    this.tools = [...tools];
    this.toolsRaw = this.countTools(this.tools);
    this.rebuildFixedParts();
  }

  /** Sets the context items; an item already counted (same text, kind and label) is not recounted. */
  setContext(items: readonly ContextItem[]): void {
    this.context = [...items];
    this.contextRaw = this.context.map((item, index) => this.countContext(item, index));
    const lead = this.context.length > 0 ? PART_JUNCTION : '';
    if (lead !== this.promptLead) {
      this.promptLead = lead;
      this.prompt.setText(lead + this.promptString);
    }
    this.rebuildFixedParts();
  }

  /**
   * The earlier turns resent with the prompt (undefined or no texts: a first message). Each text is
   * counted once per encoding and remembered, so adding a turn counts only its texts.
   */
  setResentHistory(history: ResentHistoryInput | undefined): void {
    const next = history && history.messages > 0 ? history : undefined;
    if (next === this.history) {
      return;
    }
    this.history = next;
    this.historyRaw = next ? this.countHistory(next.texts) : 0;
    this.rebuildFixedParts();
  }

  /** The prompt cache's view of the request (undefined: priced as if nothing were cached, as before). */
  setCache(cache: DraftCache | undefined): void {
    this.cache = cache;
  }

  setPrompt(text: string): void {
    this.promptString = text;
    this.prompt.setText(this.promptLead + text);
    this.kindStale = true;
  }

  /** A keystroke: replaces `deleteCount` characters at `offset` with `insert`. Costs O(edit). */
  editPrompt(offset: number, deleteCount: number, insert: string): void {
    const before = this.promptString;
    if (!Number.isInteger(offset) || offset < 0 || offset > before.length || !Number.isInteger(deleteCount) || deleteCount < 0 || offset + deleteCount > before.length) {
      throw new RangeError(`edit ${offset}+${deleteCount} is outside the prompt (length ${before.length})`);
    }
    this.prompt.applyEdit(this.promptLead.length + offset, deleteCount, insert);
    this.promptString = before.slice(0, offset) + insert + before.slice(offset + deleteCount);
    if (offset < CLASSIFIED_PREFIX) {
      this.kindStale = true;
    }
  }

  /** Makes the prompt `text` by the smallest edit from the current one (common prefix and suffix kept). */
  updatePrompt(text: string): void {
    const current = this.promptString;
    if (current === text) {
      return;
    }
    const edit = diffEdit(current, text);
    this.editPrompt(edit.offset, edit.deleteCount, edit.insert);
  }

  estimate(): Estimate {
    const { tokenizer } = this;
    const kind = this.givenKind ?? this.classified();
    const promptRaw = this.prompt.tokens - (this.promptLead ? this.junctionRaw : 0);
    const promptPart: EstimatePart = { kind: 'prompt', label: l10n.t('prompt'), tokens: this.scaled(promptRaw), exact: tokenizer.exact };
    const overheadPart: EstimatePart = {
      kind: 'overhead',
      label: l10n.t('message overhead'),
      tokens: messageOverhead(this.format, messageCount(this.systemTexts) + (this.history?.messages ?? 0)),
      exact: tokenizer.exact && this.format.exact,
    };
    const parts = [...this.fixedBefore, promptPart, ...this.fixedAfter, overheadPart];
    const inputTokens = this.fixedTokens + promptPart.tokens + overheadPart.tokens;
    const outputTokens = this.prediction(kind);
    const { rounds, source: roundsSource } = this.rounds(kind);
    const dominant =
      promptPart.tokens > 0 && promptPart.tokens >= (this.fixedDominant?.tokens ?? 0) ? promptPart : this.fixedDominant;
    // The last round reads everything: the input plus every earlier round's answer.
    const largestInput = inputTokens + (rounds - 1) * outputTokens.p50;
    const priced = this.priced(inputTokens, outputTokens, rounds);
    return {
      model: this.modelId,
      family: tokenizer.family,
      encoding: tokenizer.encoding,
      calibration: tokenizer.calibration,
      format: this.format.name,
      kind,
      kindSource: this.givenKind ? 'given' : 'classified',
      rounds,
      roundsSource,
      highRounds: highRoundsFor(rounds),
      parts,
      historyTurns: this.history?.turns ?? 0,
      inputTokens,
      countedInputTokens: this.fixedRaw + promptRaw + overheadPart.tokens,
      exact: parts.every((part) => part.exact),
      codeTokens: this.codeTokens,
      outputTokens,
      dominant,
      contextWindow: this.window?.tokens,
      contextWindowSource: this.window?.source,
      exceedsContextWindow: this.window !== undefined && largestInput > this.window.tokens,
      longContextTier: this.tierStart !== undefined && largestInput > this.tierStart ? this.tierStart : undefined,
      cost: priced.cost,
      cache: priced.cache,
    };
  }

  /** Credits low / expected / high: through the cache model when it is set, else every input token fresh. */
  private priced(inputTokens: number, output: OutputPrediction, rounds: number): { cost: EstimateCost; cache: EstimateCache | undefined } {
    const cache = this.cache;
    if (!cache) {
      return { cost: costRange(this.pricing, this.profile, this.modelId, inputTokens, output, rounds), cache: undefined };
    }
    const blocks = cache.request.blocks;
    let request = cache.request;
    const last = blocks.length - 1;
    if (last >= 0) {
      // The prompt's block as it is now: the placeholder's count out, the prompt's as sent (junction included) in.
      const tokens = Math.max(0, blocks[last].tokens - cache.placeholderTokens + this.scaled(this.prompt.tokens));
      const patched: PromptBlock[] = blocks.slice(0, last);
      patched.push({ ...blocks[last], tokens });
      request = { ...cache.request, blocks: patched };
    }
    const { cost, cache: split } = cacheAwareCost(cache.state, request, cache.at, {
      profile: this.profile,
      hints: this.hints,
      output,
      rounds,
      inputTokens,
      modelId: this.modelId,
      pricing: this.pricing,
    });
    return { cost, cache: split };
  }

  private classified(): RequestKind {
    if (this.kindStale) {
      this.classifiedKind = classifyKind(this.promptString, this.command);
      this.kindStale = false;
    }
    return this.classifiedKind;
  }

  private resolveWindow(): void {
    const catalogue = this.pricing.kind === 'priced' ? this.pricing.catalogue : undefined;
    this.window = contextWindowFor(this.modelId, this.profile, catalogue);
    this.tierStart = longContextThreshold(catalogue);
  }

  private rounds(kind: RequestKind): { rounds: number; source: RoundsSource } {
    if (this.givenRounds !== undefined) {
      return { rounds: this.givenRounds, source: 'given' };
    }
    let predicted = this.roundsByKind.get(kind);
    if (!predicted) {
      predicted = predictRounds(this.records, kind);
      this.roundsByKind.set(kind, predicted);
    }
    return predicted;
  }

  private prediction(kind: RequestKind): OutputPrediction {
    const cached = this.predictions.get(kind);
    if (cached && cached.codeTokens === this.codeTokens) {
      return cached.prediction;
    }
    const families = new Map<string, string>();
    const familyOf = (model: string) => {
      let family = families.get(model);
      if (family === undefined) {
        family = tokenizerForModel(model, this.calibration).family;
        families.set(model, family);
      }
      return family;
    };
    const prediction = predictOutput(this.records, this.modelId, this.tokenizer.family, kind, familyOf, this.codeTokens);
    this.predictions.set(kind, { codeTokens: this.codeTokens, prediction });
    return prediction;
  }

  private retokenize(): void {
    const previous = this.tokenizer.encoding;
    this.tokenizer = tokenizerForModel(this.modelId, this.calibration);
    if (this.tokenizer.encoding !== previous) {
      this.counter = this.counterFor(this.tokenizer.encoding);
      this.junctionRaw = this.counter.count(PART_JUNCTION);
      this.prompt = new DocumentCounter(this.counter, this.prompt.text);
      const system = systemText(this.systemTexts);
      this.systemRaw = system ? this.counter.count(system) : 0;
      this.toolsRaw = this.countTools(this.tools);
      this.contextRaw = this.context.map((item, index) => this.countContext(item, index));
      this.historyRaw = this.history ? this.countHistory(this.history.texts) : 0;
    }
    this.rebuildFixedParts();
  }

  private rebuildFixedParts(): void {
    const exact = this.tokenizer.exact;
    const before: EstimatePart[] = [];
    if (systemText(this.systemTexts)) {
      before.push({ kind: 'system', label: l10n.t('system'), tokens: this.scaled(this.systemRaw), exact });
    }
    if (this.history) {
      before.push({ kind: 'history', label: l10n.t('resent history'), tokens: this.scaled(this.historyRaw), exact });
    }
    // A context part carries the junction that closes its block (its `>` and the blank line after it).
    const closing = this.context.length > 0 ? this.junctionRaw : 0;
    const after: EstimatePart[] = this.context.map((item, index) => ({
      kind: 'context',
      label: item.label,
      tokens: this.scaled(this.contextRaw[index] + (index === this.context.length - 1 ? closing : 0)),
      exact,
    }));
    if (this.tools.length > 0) {
      // Providers render tool schemas in their own internal format; the JSON we count is close, not exact.
      after.push({ kind: 'tools', label: l10n.t('tools ({0})', this.tools.length), tokens: this.scaled(this.toolsRaw), exact: false });
    }
    this.fixedBefore = before;
    this.fixedAfter = after;
    this.fixedTokens = 0;
    this.fixedRaw = this.systemRaw + this.historyRaw + this.toolsRaw + closing;
    this.codeTokens = 0;
    this.fixedDominant = undefined;
    for (const raw of this.contextRaw) {
      this.fixedRaw += raw;
    }
    for (const part of [...before, ...after]) {
      this.fixedTokens += part.tokens;
      if (part.kind === 'context') {
        this.codeTokens += part.tokens;
      }
      if (part.tokens > 0 && part.tokens > (this.fixedDominant?.tokens ?? 0)) {
        this.fixedDominant = part;
      }
    }
  }

  private scaled(raw: number): number {
    return this.tokenizer.exact ? raw : Math.round(raw * this.tokenizer.calibration);
  }

  private countTools(tools: readonly ToolDefinition[]): number {
    return tools.reduce((sum, tool) => sum + this.counter.count(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters })), 0);
  }

  /** Raw tokens of the history's texts, each counted once per encoding and remembered. */
  private countHistory(texts: readonly string[]): number {
    let counts = this.historyCounts.get(this.counter.encoding);
    if (!counts) {
      counts = new Map();
      this.historyCounts.set(this.counter.encoding, counts);
    }
    let total = 0;
    for (const text of texts) {
      let count = counts.get(text);
      if (count === undefined) {
        count = this.counter.count(text);
        counts.set(text, count);
        if (counts.size > HISTORY_CACHE_TEXTS) {
          counts.delete(counts.keys().next().value as string);
        }
      }
      total += count;
    }
    return total;
  }

  /** Raw tokens of context `index` as sent: the junction before it (after the first), then its block's body. */
  private countContext(item: ContextItem, index: number): number {
    let byText = this.contextCounts.get(this.counter.encoding);
    if (!byText) {
      byText = new Map();
      this.contextCounts.set(this.counter.encoding, byText);
    }
    const header = `${item.kind}\u0000${item.label}`;
    let byHeader = byText.get(item.text);
    let count = byHeader?.get(header);
    if (byHeader) {
      // Refresh its place in the eviction order.
      byText.delete(item.text);
      byText.set(item.text, byHeader);
    }
    if (count === undefined) {
      count = this.counter.count(contextBody(item));
      if (!byHeader) {
        byHeader = new Map();
        byText.set(item.text, byHeader);
        if (byText.size > CONTEXT_CACHE_TEXTS) {
          byText.delete(byText.keys().next().value as string);
        }
      }
      byHeader.set(header, count);
    }
    return count + (index > 0 ? this.junctionRaw : 0);
  }
}

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
