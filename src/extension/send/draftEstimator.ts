/**
 * The extension's adapter over the core estimator: one incremental `EstimateSession` per draft
 * source (Compose, the input box, the status bar's selection, the hover), fed by diffs, so switching
 * between them never re-diffs unrelated text; the core estimate is mapped to what the status bar,
 * Compose, hovers and the send path show. No `vscode` here, and no estimating of its own.
 */
import { EstimateSession, type ContextItem, type Estimate, type HistoryRecord } from '../../core/estimate';
import { estimateSummary, type EstimateSummary } from '../../core/format/statusView';
import type { CreditProfile, ProviderHints } from '../../core/pricing';
import type { RequestKind } from '../../core/requestKind';
import { tokenizerForModel, type CalibrationTable } from '../../core/tokens';
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
}

const NO_HINTS: ProviderHints = {};

export class DraftEstimator {
  private readonly sessions = new Map<DraftSource, SourceSession>();

  constructor(private readonly options: DraftEstimatorOptions) {}

  estimate(input: DraftEstimateInput): DraftEstimate {
    const session = this.sessionFor(input);
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
          ? { ...credits, inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens.p50, cacheReadTokens: 0, cacheWriteTokens: 0 }
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
      entry = { session, system: input.system, contexts: input.contexts, kind: input.kind, history, historyLength: history.length, calibration, factor };
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
}

function contextItem(context: DraftContext): ContextItem {
  return { kind: context.kind, label: context.label, text: context.text };
}

function sameContexts(a: readonly DraftContext[], b: readonly DraftContext[]): boolean {
  return a === b || (a.length === b.length && a.every((context, index) => context.text === b[index].text && context.label === b[index].label && context.kind === b[index].kind));
}
