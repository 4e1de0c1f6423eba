/**
 * Drafts over the core estimator: one incremental `EstimateSession` per draft
 * source (Compose, the input box, the status bar's selection, the hover), fed by diffs, so switching
 * between them never re-diffs unrelated text; the core estimate is mapped to what the status bar,
 * Compose, hovers and the send path show. No `vscode` here, and no estimating of its own.
 *
 * A draft in a conversation (`DraftConversation`) also resends the thread's earlier turns and is
 * priced through the prompt-cache model: the request is built once per change of the thread, the
 * contexts, the system prompt or the model (with a placeholder prompt), and a keystroke only resizes
 * the prompt's block.
 */
import type { BlockCounting } from '../core/cache';
import { EstimateSession, blockCounting, type ContextItem, type DraftCache, type Estimate, type HistoryRecord, type ResentHistoryInput } from '../core/estimate';
import { estimateSummary, type EstimateSummary } from '../core/format/statusView';
import type { CreditProfile, ProviderHints } from '../core/pricing';
import type { RequestKind } from '../core/requestKind';
import { tokenizerForModel, type CalibrationTable } from '../core/tokens';
import { type DraftConversation, PLACEHOLDER_PROMPT, conversationRequest, promptPartTokens } from './conversationDraft';
import type { DraftContext, DraftSource, SendTimeEstimate } from './turnTypes';

export interface DraftEstimateInput {
  readonly source: DraftSource;
  /** Model id as the provider knows it. */
  readonly model: string;
  readonly system: string;
  readonly prompt: string;
  readonly contexts: readonly DraftContext[];
  readonly kind: RequestKind;
  readonly hints?: ProviderHints;
  /** The conversation the draft continues; absent for a request on its own (hover, selection). */
  readonly conversation?: DraftConversation;
}

export interface DraftEstimate {
  /** The core estimate, as the CLI prints it. */
  readonly estimate: Estimate;
  readonly summary: EstimateSummary;
  /** Tokens of each context part, in draft order. */
  readonly contextTokens: readonly number[];
  readonly sendTime: SendTimeEstimate;
}

export interface DraftEstimatorOptions {
  readonly profile: () => CreditProfile;
  readonly calibration: () => CalibrationTable;
  readonly history: () => readonly HistoryRecord[];
  /** The clock (ms): what the prompt cache holds depends on when the request would be sent. */
  readonly now?: () => number;
}

/** The conversation request built for the estimate, and what it was built from. */
interface ConversationSkeleton {
  readonly thread: DraftConversation['thread'];
  readonly dialect: DraftConversation['dialect'];
  readonly model: string;
  readonly system: string;
  readonly contexts: readonly DraftContext[];
  readonly counting: BlockCounting;
  readonly history: ResentHistoryInput;
  readonly cache: Omit<DraftCache, 'at'>;
}

interface SourceSession {
  readonly session: EstimateSession;
  system: string;
  contexts: readonly DraftContext[];
  kind: RequestKind;
  history: readonly HistoryRecord[];
  historyLength: number;
  calibration: CalibrationTable;
  factor: number;
  skeleton: ConversationSkeleton | undefined;
}

const NO_HINTS: ProviderHints = {};

export class DraftEstimator {
  private readonly sessions = new Map<DraftSource, SourceSession>();
  /** One block counter per model and calibration factor: it remembers long texts, so a history is counted once. */
  private counting: { model: string; calibration: CalibrationTable; factor: number; counting: BlockCounting } | undefined;

  constructor(private readonly options: DraftEstimatorOptions) {}

  /** How the cache model counts `model`'s blocks, as this estimator's sessions count them. */
  countingFor(model: string): BlockCounting {
    const calibration = this.options.calibration();
    const factor = tokenizerForModel(model, calibration).calibration;
    const current = this.counting;
    if (current && current.model === model && current.calibration === calibration && current.factor === factor) {
      return current.counting;
    }
    const counting = blockCounting(model, calibration);
    this.counting = { model, calibration, factor, counting };
    return counting;
  }

  estimate(input: DraftEstimateInput): DraftEstimate {
    const session = this.sessionFor(input);
    this.applyConversation(this.sessions.get(input.source) as SourceSession, input);
    session.updatePrompt(input.prompt);
    const estimate = session.estimate();
    const contextTokens = estimate.parts.filter((part) => part.kind === 'context').map((part) => part.tokens);
    const summary = estimateSummary(estimate);
    const credits = summary.credits;
    return {
      estimate,
      summary,
      contextTokens,
      sendTime: {
        record: credits
          ? {
            ...credits,
            inputTokens: estimate.inputTokens,
            outputTokens: estimate.outputTokens.p50,
            cacheReadTokens: estimate.cache?.readTokens ?? 0,
            cacheWriteTokens: estimate.cache?.writeTokens ?? 0,
          }
          : null,
        counts: {
          systemTokens: estimate.parts.find((part) => part.kind === 'system')?.tokens ?? 0,
          toolsTokens: 0,
          contextTokens,
          inputTokens: estimate.inputTokens,
        },
      },
    };
  }

  /** The source's session, brought up to date with everything but the prompt; each setter runs only on a change. */
  private sessionFor(input: DraftEstimateInput): EstimateSession {
    const profile = this.options.profile();
    const calibration = this.options.calibration();
    const history = this.options.history();
    const hints = input.hints ?? NO_HINTS;
    const factor = tokenizerForModel(input.model, calibration).calibration;
    let entry = this.sessions.get(input.source);
    if (!entry) {
      const session = new EstimateSession({ model: input.model, profile, history, calibration, providerHints: hints });
      session.setSystem([input.system]);
      session.setContext(input.contexts.map(contextItem));
      session.setKind(input.kind);
      entry = { session, system: input.system, contexts: input.contexts, kind: input.kind, history, historyLength: history.length, calibration, factor, skeleton: undefined };
      this.sessions.set(input.source, entry);
      return session;
    }
    const { session } = entry;
    session.setModel(input.model, hints);
    session.setProfile(profile);
    if (entry.calibration !== calibration || entry.factor !== factor) {
      session.setCalibration(calibration);
      entry.calibration = calibration;
      entry.factor = factor;
    }
    if (entry.history !== history || entry.historyLength !== history.length) {
      session.setHistory(history);
      entry.history = history;
      entry.historyLength = history.length;
    }
    if (entry.system !== input.system) {
      session.setSystem([input.system]);
      entry.system = input.system;
    }
    if (!sameContexts(entry.contexts, input.contexts)) {
      session.setContext(input.contexts.map(contextItem));
      entry.contexts = input.contexts;
    }
    if (entry.kind !== input.kind) {
      session.setKind(input.kind);
      entry.kind = input.kind;
    }
    return session;
  }

  /**
   * The history and the cache view of a conversation draft: rebuilt when the thread (a new object
   * after every change), the contexts, the system prompt, the model or the calibration changed.
   */
  private applyConversation(entry: SourceSession, input: DraftEstimateInput): void {
    const { session } = entry;
    const conversation = input.conversation;
    if (!conversation) {
      entry.skeleton = undefined;
      session.setResentHistory(undefined);
      session.setCache(undefined);
      return;
    }
    const counting = this.countingFor(input.model);
    let skeleton = entry.skeleton;
    if (!skeleton || skeleton.thread !== conversation.thread || skeleton.dialect !== conversation.dialect || skeleton.model !== input.model
      || skeleton.system !== input.system || skeleton.counting !== counting || !sameContexts(skeleton.contexts, input.contexts)) {
      const built = conversationRequest(conversation, input.model, input.system, PLACEHOLDER_PROMPT, input.contexts, counting, { ignoreMinimum: true });
      skeleton = {
        thread: conversation.thread,
        dialect: conversation.dialect,
        model: input.model,
        system: input.system,
        contexts: input.contexts,
        counting,
        history: built.history,
        cache: {
          state: conversation.thread?.cache ?? undefined,
          request: built.send.cacheRequest,
          placeholderTokens: promptPartTokens(PLACEHOLDER_PROMPT, input.contexts, counting),
        },
      };
      entry.skeleton = skeleton;
    }
    session.setResentHistory(skeleton.history);
    session.setCache({ ...skeleton.cache, at: (this.options.now ?? Date.now)() });
  }
}

function contextItem(context: DraftContext): ContextItem {
  return { kind: context.kind, label: context.label, text: context.text };
}

function sameContexts(a: readonly DraftContext[], b: readonly DraftContext[]): boolean {
  return a === b || (a.length === b.length && a.every((context, index) => context.text === b[index].text && context.label === b[index].label && context.kind === b[index].kind));
}
