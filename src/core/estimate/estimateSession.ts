/**
 * A live estimate of a draft request, cheap enough to redo on every keystroke.
 *
 * Every part keeps its raw count: the prompt in a `DocumentCounter` (an edit recounts only the blocks
 * it touched), system messages, tools and context items counted once when set (context items cached by
 * content key, so re-setting an unchanged item costs a map lookup). `estimate()` then only adds a
 * handful of numbers and prices three scenarios through a model pricing resolved once per model.
 */
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
import { costRange, highRoundsFor } from './costRange';
import type { ContextItem, Estimate, EstimateOptions, EstimatePart, ToolDefinition } from './estimateTypes';
import { messageOverhead } from './messageOverhead';
import { type HistoryRecord, type OutputPrediction, predictOutput } from './outputModel';
import { CLASSIFIED_PREFIX, type RequestKind, classifyKind } from './requestKind';

export interface EstimateSessionOptions extends EstimateOptions {
  readonly model: string;
  /** Learned calibration factors for proxy-counted families; the priors when absent. */
  readonly calibration?: CalibrationTable;
  /** The counter for an encoding; the tokens module's shared counters by default. */
  readonly counterFor?: (encoding: EncodingName) => TokenCounter;
  /**
   * The text actually sent for a context item (e.g. wrapped in a labelled block), so that what is
   * counted is what is sent; the item's own text by default.
   */
  readonly renderContext?: (item: ContextItem) => string;
}

/** Context counts kept for items no longer in the draft, so toggling one back costs nothing. */
const CONTEXT_CACHE_ENTRIES = 64;

export class EstimateSession {
  private modelId: string;
  private tokenizer: ModelTokenizer;
  private counter: TokenCounter;
  private profile: CreditProfile;
  private hints: ProviderHints;
  private history: readonly HistoryRecord[];
  private calibration: CalibrationTable;
  private readonly counterFor: (encoding: EncodingName) => TokenCounter;
  private readonly renderContext: ((item: ContextItem) => string) | undefined;
  private pricing: ModelPricing;

  private prompt: DocumentCounter;
  private systemTexts: readonly string[] = [];
  private systemRaw = 0;
  private tools: readonly ToolDefinition[] = [];
  private toolsRaw = 0;
  private context: readonly ContextItem[] = [];
  private contextRaw: number[] = [];
  /** Raw context counts per encoding, by content key and by text (never concatenated: a 1 MB key hashes once). */
  private readonly contextCounts = new Map<string, { byKey: Map<string, number>; byText: Map<string, number> }>();

  private rounds = 1;
  private givenKind: RequestKind | undefined;
  private command: string | undefined;
  private classifiedKind: RequestKind = 'other';
  private readonly predictions = new Map<RequestKind, OutputPrediction>();

  /** Parts that do not change while typing, rebuilt when a part or the model changes. */
  private fixedBefore: EstimatePart[] = [];
  private fixedAfter: EstimatePart[] = [];
  private fixedTokens = 0;
  private fixedDominant: EstimatePart | undefined;

  constructor(options: EstimateSessionOptions) {
    this.modelId = options.model;
    this.profile = options.profile ?? DEFAULT_PROFILE;
    this.hints = options.providerHints ?? {};
    this.history = options.history ?? [];
    this.calibration = options.calibration ?? new CalibrationTable();
    this.counterFor = options.counterFor ?? loadCounter;
    this.renderContext = options.renderContext;
    this.tokenizer = tokenizerForModel(this.modelId, this.calibration);
    this.counter = this.counterFor(this.tokenizer.encoding);
    this.prompt = new DocumentCounter(this.counter);
    this.pricing = modelPricing(this.modelId, this.profile, this.hints);
    this.rebuildFixedParts();
  }

  get model(): string {
    return this.modelId;
  }

  get promptText(): string {
    return this.prompt.text;
  }

  /** Switches model: recounts everything only when the encoding changes. */
  setModel(model: string, providerHints: ProviderHints = this.hints): void {
    this.modelId = model;
    this.hints = providerHints;
    this.retokenize();
    this.pricing = modelPricing(model, this.profile, providerHints);
    this.predictions.clear();
  }

  setProfile(profile: CreditProfile): void {
    this.profile = profile;
    this.pricing = modelPricing(this.modelId, profile, this.hints);
  }

  setHistory(history: readonly HistoryRecord[]): void {
    this.history = history;
    this.predictions.clear();
  }

  /** New calibration factors (e.g. after the ledger learned from actuals). */
  setCalibration(calibration: CalibrationTable): void {
    this.calibration = calibration;
    this.retokenize();
  }

  setRounds(rounds: number): void {
    if (!Number.isInteger(rounds) || rounds < 1) {
      throw new RangeError(`rounds must be a whole number >= 1, got ${rounds}`);
    }
    this.rounds = rounds;
  }

  /** `kind` fixes the request kind; without it the kind comes from `command` or the prompt's wording. */
  setKind(kind: RequestKind | undefined, command?: string): void {
    this.givenKind = kind;
    this.command = command;
    this.classifiedKind = classifyKind(this.prompt.text, command);
  }

  setSystem(messages: readonly string[]): void {
    this.systemTexts = [...messages];
    this.systemRaw = this.countAll(this.systemTexts);
    this.rebuildFixedParts();
  }

  setTools(tools: readonly ToolDefinition[]): void {
    this.tools = [...tools];
    this.toolsRaw = this.countTools(this.tools);
    this.rebuildFixedParts();
  }

  /** Sets the context items; items already counted (same key, or same text) are not recounted. */
  setContext(items: readonly ContextItem[]): void {
    this.context = [...items];
    this.contextRaw = this.context.map((item) => this.countContext(item));
    this.rebuildFixedParts();
  }

  setPrompt(text: string): void {
    this.prompt.setText(text);
    this.classifiedKind = classifyKind(text, this.command);
  }

  /** A keystroke: replaces `deleteCount` characters at `offset` with `insert`. Costs O(edit). */
  editPrompt(offset: number, deleteCount: number, insert: string): void {
    this.prompt.applyEdit(offset, deleteCount, insert);
    if (offset < CLASSIFIED_PREFIX) {
      this.classifiedKind = classifyKind(this.prompt.text, this.command);
    }
  }

  estimate(): Estimate {
    const { tokenizer } = this;
    const kind = this.givenKind ?? this.classifiedKind;
    const promptPart: EstimatePart = { kind: 'prompt', label: 'prompt', tokens: this.scaled(this.prompt.tokens), exact: tokenizer.exact };
    const overheadPart: EstimatePart = {
      kind: 'overhead',
      label: 'message overhead',
      tokens: this.scaled(messageOverhead(this.systemTexts.length + 1)),
      exact: tokenizer.exact,
    };
    const parts = [...this.fixedBefore, promptPart, ...this.fixedAfter, overheadPart];
    const inputTokens = this.fixedTokens + promptPart.tokens + overheadPart.tokens;
    const outputTokens = this.prediction(kind);
    const dominant =
      promptPart.tokens > 0 && promptPart.tokens >= (this.fixedDominant?.tokens ?? 0) ? promptPart : this.fixedDominant;
    return {
      model: this.modelId,
      family: tokenizer.family,
      encoding: tokenizer.encoding,
      calibration: tokenizer.calibration,
      kind,
      kindSource: this.givenKind ? 'given' : 'classified',
      rounds: this.rounds,
      highRounds: highRoundsFor(this.rounds),
      parts,
      inputTokens,
      exact: parts.every((part) => part.exact),
      outputTokens,
      dominant,
      cost: costRange(this.pricing, this.profile, this.modelId, inputTokens, outputTokens, this.rounds),
    };
  }

  private prediction(kind: RequestKind): OutputPrediction {
    let prediction = this.predictions.get(kind);
    if (!prediction) {
      const families = new Map<string, string>();
      const familyOf = (model: string) => {
        let family = families.get(model);
        if (family === undefined) {
          family = tokenizerForModel(model, this.calibration).family;
          families.set(model, family);
        }
        return family;
      };
      prediction = predictOutput(this.history, this.modelId, this.tokenizer.family, kind, familyOf);
      this.predictions.set(kind, prediction);
    }
    return prediction;
  }

  private retokenize(): void {
    const previous = this.tokenizer.encoding;
    this.tokenizer = tokenizerForModel(this.modelId, this.calibration);
    if (this.tokenizer.encoding !== previous) {
      this.counter = this.counterFor(this.tokenizer.encoding);
      this.prompt = new DocumentCounter(this.counter, this.prompt.text);
      this.systemRaw = this.countAll(this.systemTexts);
      this.toolsRaw = this.countTools(this.tools);
      this.contextRaw = this.context.map((item) => this.countContext(item));
    }
    this.rebuildFixedParts();
  }

  private rebuildFixedParts(): void {
    const exact = this.tokenizer.exact;
    const before: EstimatePart[] = [];
    if (this.systemTexts.length > 0) {
      before.push({ kind: 'system', label: this.systemTexts.length === 1 ? 'system' : `system (${this.systemTexts.length} messages)`, tokens: this.scaled(this.systemRaw), exact });
    }
    const after: EstimatePart[] = this.context.map((item, index) => ({
      kind: 'context',
      label: item.label,
      tokens: this.scaled(this.contextRaw[index]),
      exact,
    }));
    if (this.tools.length > 0) {
      // Providers render tool schemas in their own internal format; the JSON we count is close, not exact.
      after.push({ kind: 'tools', label: `tools (${this.tools.length})`, tokens: this.scaled(this.toolsRaw), exact: false });
    }
    this.fixedBefore = before;
    this.fixedAfter = after;
    this.fixedTokens = 0;
    this.fixedDominant = undefined;
    for (const part of [...before, ...after]) {
      this.fixedTokens += part.tokens;
      if (part.tokens > 0 && part.tokens > (this.fixedDominant?.tokens ?? 0)) {
        this.fixedDominant = part;
      }
    }
  }

  private scaled(raw: number): number {
    return this.tokenizer.exact ? raw : Math.round(raw * this.tokenizer.calibration);
  }

  private countAll(texts: readonly string[]): number {
    return texts.reduce((sum, text) => sum + this.counter.count(text), 0);
  }

  private countTools(tools: readonly ToolDefinition[]): number {
    return tools.reduce((sum, tool) => sum + this.counter.count(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters })), 0);
  }

  private countContext(item: ContextItem): number {
    let caches = this.contextCounts.get(this.counter.encoding);
    if (!caches) {
      caches = { byKey: new Map(), byText: new Map() };
      this.contextCounts.set(this.counter.encoding, caches);
    }
    const cache = item.key === undefined ? caches.byText : caches.byKey;
    const sent = item.key === undefined && this.renderContext ? this.renderContext(item) : undefined;
    const key = item.key ?? sent ?? item.text;
    const cached = cache.get(key);
    if (cached !== undefined) {
      // Refresh its place in the eviction order.
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const count = this.counter.count(sent ?? (this.renderContext ? this.renderContext(item) : item.text));
    cache.set(key, count);
    if (cache.size > CONTEXT_CACHE_ENTRIES) {
      cache.delete(cache.keys().next().value as string);
    }
    return count;
  }
}
