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
import { type ContextWindow, contextWindowFor, longContextThreshold } from './contextWindow';
import { costRange, highRoundsFor } from './costRange';
import type { ContextItem, Estimate, EstimateOptions, EstimatePart, ToolDefinition } from './estimateTypes';
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

export class EstimateSession {
  private modelId: string;
  private tokenizer: ModelTokenizer;
  private format: MessageFormat;
  private counter: TokenCounter;
  private profile: CreditProfile;
  private hints: ProviderHints;
  private history: readonly HistoryRecord[];
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
    this.history = options.history ?? [];
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

  setHistory(history: readonly HistoryRecord[]): void {
    this.history = history;
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
    const promptPart: EstimatePart = { kind: 'prompt', label: 'prompt', tokens: this.scaled(promptRaw), exact: tokenizer.exact };
    const overheadPart: EstimatePart = {
      kind: 'overhead',
      label: 'message overhead',
      tokens: messageOverhead(this.format, messageCount(this.systemTexts)),
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
      cost: costRange(this.pricing, this.profile, this.modelId, inputTokens, outputTokens, rounds),
    };
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
      predicted = predictRounds(this.history, kind);
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
    const prediction = predictOutput(this.history, this.modelId, this.tokenizer.family, kind, familyOf, this.codeTokens);
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
    }
    this.rebuildFixedParts();
  }

  private rebuildFixedParts(): void {
    const exact = this.tokenizer.exact;
    const before: EstimatePart[] = [];
    if (systemText(this.systemTexts)) {
      before.push({ kind: 'system', label: 'system', tokens: this.scaled(this.systemRaw), exact });
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
      after.push({ kind: 'tools', label: `tools (${this.tools.length})`, tokens: this.scaled(this.toolsRaw), exact: false });
    }
    this.fixedBefore = before;
    this.fixedAfter = after;
    this.fixedTokens = 0;
    this.fixedRaw = this.systemRaw + this.toolsRaw + closing;
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
