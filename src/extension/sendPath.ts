/**
 * The path every request of the editor takes: the estimate at send time, the context-window and
 * budget questions, the provider, the turn runner (one ledger record per attempt), and what the
 * calibration learns from the answer.
 */
import * as vscode from 'vscode';
import type { CacheRequest } from '../core/cache';
import { contextWindowFix, contextWindowWarning } from '../core/format/statusView';
import type { Ledger } from '../core/ledger/ledger';
import { parseModelRef } from '../core/settings/modelRef';
import { cacheDialectOf, conversationRequest } from '../send/conversationDraft';
import type { DraftEstimate, DraftEstimator } from '../send/draftEstimator';
import type { TurnResult, TurnRunner } from '../send/turnRunner';
import type { Draft } from '../send/turnTypes';
import type { Budgets } from './budgets';
import type { CalibrationStore } from './calibrationStore';
import type { Config } from './config';
import { UserFacingError } from './errorDisplay';
import type { LiveEstimate } from './liveEstimate';
import type { ProviderRegistry } from './providerRegistry';

export interface SendOptions {
  readonly onText?: (delta: string) => void;
  readonly token?: vscode.CancellationToken;
  /** Skip the budget question (the caller asked already). */
  readonly budgetConfirmed?: boolean;
  /** Skip the question about a request over the model's context window (the caller asked already). */
  readonly windowConfirmed?: boolean;
  /** The ledger's turn id for the request (a new one when absent). */
  readonly turnId?: string;
  /** Called once the request is about to go out (after the questions), with the estimate it is judged by. */
  readonly beforeSend?: (estimate: DraftEstimate) => Promise<void> | void;
}

export interface SendOutcome {
  readonly estimate: DraftEstimate;
  /** Undefined when the user declined at the budget or the context-window question. */
  readonly result?: TurnResult;
  /** The question the user declined, when nothing was sent. */
  readonly declined?: 'window' | 'budget';
  /** For a draft in a conversation: the prompt-cache model's view of what was sent (to record the send with). */
  readonly conversation?: { readonly cacheRequest: CacheRequest };
}

export interface SendPathOptions {
  readonly config: Config;
  readonly log: vscode.LogOutputChannel;
  readonly ledger: () => Promise<Ledger>;
  readonly liveEstimate: LiveEstimate;
  readonly estimator: DraftEstimator;
  readonly budgets: Budgets;
  readonly providers: ProviderRegistry;
  readonly turns: TurnRunner;
  readonly calibration: CalibrationStore;
}

export class SendPath {
  constructor(private readonly options: SendPathOptions) {}

  /**
   * Sends a draft: estimate at send time, budget question, request, one ledger record per attempt.
   * Throws `UserFacingError` for what the user must fix first; provider failures come back in the result.
   */
  async send(draft: Draft, options: SendOptions = {}): Promise<SendOutcome> {
    const { log, liveEstimate, budgets, estimator } = this.options;
    const ref = parseModelRef(draft.modelRef);
    if (!ref) {
      throw new UserFacingError(vscode.l10n.t('"{0}" is not a model reference like "openai:gpt-4.1". Pick one with "Credit Meter: Select Model".', draft.modelRef), { title: vscode.l10n.t('Select Model'), command: 'creditMeter.selectModel' });
    }
    await this.options.ledger();
    const estimate = liveEstimate.estimateDraft(draft);
    const overWindow = contextWindowWarning(estimate.summary);
    if (overWindow && !options.windowConfirmed) {
      const send = vscode.l10n.t('Send Anyway');
      const picked = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0}: the provider will most likely refuse this request.', overWindow),
        { modal: true, detail: contextWindowFix(estimate.summary) },
        send,
      );
      if (picked !== send) {
        return { estimate, declined: 'window' };
      }
    }
    if (!options.budgetConfirmed && !(await budgets.confirmSend(estimate.summary.credits?.high ?? null))) {
      return { estimate, declined: 'budget' };
    }
    const { provider, config } = await this.options.providers.providerFor(ref);
    const settings = this.options.config.settings;
    // A follow-up resends the thread's earlier turns: built by the core, as the estimate counted it.
    const conversation = draft.conversation
      ? conversationRequest({ ...draft.conversation, dialect: cacheDialectOf(config.kind) }, ref.model, settings.systemPrompt, draft.prompt, draft.contexts, estimator.countingFor(ref.model))
      : undefined;
    await options.beforeSend?.(estimate);
    const abort = new AbortController();
    const subscription = options.token?.onCancellationRequested(() => abort.abort());
    try {
      const result = await this.options.turns.run({
        provider,
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        model: ref.model,
        draft,
        source: draft.source === 'inputBox' ? 'inputBox' : 'compose',
        system: settings.systemPrompt,
        estimate: estimate.sendTime,
        storePrompts: settings.storePrompts,
        signal: abort.signal,
        ...(options.onText ? { onText: options.onText } : {}),
        ...(options.turnId ? { turnId: options.turnId } : {}),
        ...(draft.conversation?.threadId ? { threadId: draft.conversation.threadId } : {}),
        ...(conversation ? { messages: conversation.send } : {}),
      });
      this.options.calibration.learnFrom(result, estimate);
      if (result.ledgerError) {
        log.error('A usage record could not be written', result.ledgerError);
        void vscode.window.showErrorMessage(vscode.l10n.t("Credit Meter could not record this request's cost: {0}", result.ledgerError.message));
      }
      log.info(`Turn ${result.turnId}: ${result.status}, ${result.records.length} attempt(s), ${result.credits ?? '?'} cr`);
      return { estimate, result, ...(conversation ? { conversation: { cacheRequest: conversation.send.cacheRequest } } : {}) };
    } finally {
      subscription?.dispose();
    }
  }
}
