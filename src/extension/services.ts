/**
 * The one object every surface gets: settings, log, secrets, the ledger, the live estimate, budgets,
 * the calibration table and the turn runner, plus `send()`, the path every request takes.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Ledger } from '../core/ledger/ledger';
import type { HistoryRecord } from '../core/estimate/outputModel';
import { contextWindowFix, contextWindowWarning } from '../core/format/statusView';
import { totalInput, type UsageRecord } from '../core/ledger/usageRecord';
import { DEFAULT_PROFILE, type CreditProfile } from '../core/pricing';
import { profileFromSettings } from '../core/settings/settingsProfile';
import { parseModelRef, type ModelRef } from '../core/settings/modelRef';
import type { ProviderConfig } from '../core/settings/settings';
import { CalibrationTable, loadCounter, tokenizerForModel } from '../core/tokens';
import { createAnthropicProvider, createOpenAiCompatibleProvider } from '../providers';
import { ProviderError } from '../providers/providerError';
import type { ChatProvider } from '../providers/types';
import { Budgets } from './budgets';
import { Config } from './config';
import { LanguageModelProvider } from './languageModelProvider';
import { LedgerRefresher } from './ledgerRefresher';
import { Disposable } from './lifecycle';
import { LiveEstimate } from './liveEstimate';
import { DraftTips } from '../core/tips/draftTips';
import { tipText } from './compose/composeText';
import { ApiKeys, askBeforeSendingKey, type ConfirmKeyOrigin } from './secrets';
import type { CacheRequest } from '../core/cache';
import { cacheDialectOf, conversationRequest } from '../send/conversationDraft';
import { DraftEstimator, type DraftEstimate } from '../send/draftEstimator';
import { learnCalibration } from '../core/estimate/learnCalibration';
import { ModelLists } from './selectModel';
import { TurnRunner, type TurnResult } from '../send/turnRunner';
import type { Draft } from '../send/turnTypes';

const CALIBRATION_KEY = 'creditMeter.calibration';
const HISTORY_LIMIT = 2000;

/** A problem the user can fix, with the command that fixes it. */
export class UserFacingError extends Error {
  constructor(message: string, readonly action?: { readonly title: string; readonly command: string; readonly args?: unknown[] }) {
    super(message);
    this.name = 'UserFacingError';
  }
}

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

export class Services extends Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly config: Config;
  readonly apiKeys: ApiKeys;
  readonly estimator: DraftEstimator;
  readonly liveEstimate: LiveEstimate;
  readonly budgets: Budgets;
  /** Tips for drafts, with what this window has sent (the Compose view, the status bar and the hovers share it). */
  readonly tips: DraftTips;
  readonly turns: TurnRunner;
  /** Each provider's models endpoint list, cached for a day. */
  readonly modelLists: ModelLists;
  readonly ledgerDir: string;
  private calibrationTable: CalibrationTable;
  private creditProfile: CreditProfile = DEFAULT_PROFILE;
  private ledgerPromise: Promise<Ledger> | undefined;
  private openedLedger: Ledger | undefined;
  private history: HistoryRecord[] = [];
  private readonly profileChanged = this._register(new vscode.EventEmitter<CreditProfile>());
  readonly onDidChangeProfile = this.profileChanged.event;
  /** Asked before a key goes to an origin it was not stored for (the modal; the integration tests answer it instead). */
  confirmKeyOrigin: ConfirmKeyOrigin = askBeforeSendingKey;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.log = this._register(vscode.window.createOutputChannel('Credit Meter', { log: true }));
    this.config = this._register(new Config(this.log));
    this.apiKeys = this._register(new ApiKeys(context.secrets, context.globalState, () => this.config.userProviders));
    this.ledgerDir = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'ledger');
    this.calibrationTable = this.restoreCalibration();
    this.estimator = new DraftEstimator({
      profile: () => this.creditProfile,
      calibration: () => this.calibrationTable,
      history: () => this.history,
    });
    this.liveEstimate = this._register(new LiveEstimate({
      estimator: this.estimator,
      defaultModelRef: () => this.config.settings.defaultModel,
      system: () => this.config.settings.systemPrompt,
      log: this.log,
    }));
    let models: { settings: unknown; list: readonly string[] } | undefined;
    this.tips = new DraftTips({
      profile: () => this.creditProfile,
      models: () => {
        const settings = this.config.settings;
        if (models?.settings !== settings) {
          models = { settings, list: settings.providers.flatMap((provider) => provider.models) };
        }
        return models.list;
      },
      longThreadText: tipText.longThread,
    });
    this.budgets = this._register(new Budgets({
      limits: () => this.config.settings.budget,
      workspaceState: context.workspaceState,
      log: this.log,
    }));
    this.modelLists = new ModelLists({
      globalState: context.globalState,
      providers: () => this.config.settings.providers,
      // Only a key already bound to the provider's origin: listing models never asks, and never sends a key elsewhere.
      apiKey: (provider) => (provider.baseUrl ? this.apiKeys.boundKeyFor(provider.id, provider.baseUrl) : Promise.resolve(undefined)),
      log: this.log,
    });
    this.turns = new TurnRunner({
      ledger: { append: async (record) => (await this.ledger()).append(record) },
      pricing: () => ({ profile: this.creditProfile }),
    });
    this._register(this.turns.onDidChangeRunning((running) => {
      void vscode.commands.executeCommand('setContext', 'creditMeter.requestRunning', running);
    }));
    this._register(this.config.onDidChange(() => {
      void this.reloadProfile();
      this.liveEstimate.refresh();
    }));
    this._register({ dispose: () => { void this.openedLedger?.close(); } });
  }

  get profile(): CreditProfile {
    return this.creditProfile;
  }

  get calibration(): CalibrationTable {
    return this.calibrationTable;
  }

  /** Recent successful requests, which the output-size model learns from (the gateway's estimates use them too). */
  get outputHistory(): readonly HistoryRecord[] {
    return this.history;
  }

  /** The ledger is already open (for synchronous readers such as the status bar). */
  get ledgerIfOpen(): Ledger | undefined {
    return this.openedLedger;
  }

  /** Work that must not slow activation: profile file, ledger scan. */
  async start(): Promise<void> {
    await Promise.all([this.reloadProfile(), this.ledger().then(() => undefined)]);
    // Providers with a key: their current model lists, in the background (the built-in lists meanwhile).
    void this.modelLists.refreshStale();
  }

  /** Opens the workspace ledger on first use; reports quarantined lines once. */
  ledger(): Promise<Ledger> {
    this.ledgerPromise ??= this.openLedger();
    return this.ledgerPromise;
  }

  /**
   * Resolves the provider a model reference names, with its API key from secret storage when the key
   * may go to that provider's origin (asking first when it was stored for another one).
   */
  async providerFor(ref: ModelRef): Promise<{ provider: ChatProvider; config: ProviderConfig }> {
    const settings = this.config.settings;
    const config = settings.providers.find((provider) => provider.id === ref.providerId);
    if (!config) {
      if (ref.providerId === 'vscode-lm') {
        return { provider: new LanguageModelProvider({ justification: 'Credit Meter sends your prompt to this model.' }), config: { id: 'vscode-lm', kind: 'vscode-lm', models: [], headers: {} } };
      }
      throw new UserFacingError(`No provider "${ref.providerId}" is configured. Pick a model with "Credit Meter: Select Model".`, { title: 'Select Model', command: 'creditMeter.selectModel' });
    }
    if (config.kind === 'vscode-lm') {
      return { provider: new LanguageModelProvider({ justification: 'Credit Meter sends your prompt to this model.' }), config };
    }
    const baseUrl = config.baseUrl ?? '';
    const setKey = { title: 'Set API Key', command: 'creditMeter.setApiKey', args: [config.id] };
    const lookup = await this.apiKeys.keyFor(config.id, baseUrl, { confirm: (question) => this.confirmKeyOrigin(question) });
    if (lookup.kind === 'declined') {
      const belongs = lookup.storedForHost ? `belongs to ${lookup.storedForHost}` : 'is not bound to any server';
      const again = lookup.remembered ? ` You chose never to send it there; set the key again for ${lookup.host} to change that.` : '';
      throw new UserFacingError(`Not sent: your API key for "${config.id}" ${belongs}, and "${config.id}" now points at ${lookup.host}.${again}`, setKey);
    }
    const apiKey = lookup.kind === 'key' ? lookup.key : undefined;
    if (!apiKey && !isLocal(baseUrl)) {
      throw new UserFacingError(`No API key for "${config.id}". Set one with "Credit Meter: Set API Key".`, setKey);
    }
    const options = {
      baseUrl,
      ...(apiKey ? { apiKey } : {}),
      headers: config.headers,
      maxAttempts: settings.maxRetries + 1,
      requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
      errorBodyTimeoutMs: settings.errorBodyTimeoutSeconds * 1000,
      ...(config.creditsHeader ?? this.creditProfile.creditsHeader ? { chargedCreditsHeader: config.creditsHeader ?? this.creditProfile.creditsHeader } : {}),
      ...(config.regionHeader ? { regionHeaders: [config.regionHeader] } : {}),
      // A stream cut before its usage chunk is billed on our own count of what was sent and received.
      estimateTokens: (text: string) => {
        const tokenizer = tokenizerForModel(ref.model, this.calibration);
        return Math.round(loadCounter(tokenizer.encoding).count(text) * tokenizer.calibration);
      },
    };
    const provider = config.kind === 'anthropic' ? createAnthropicProvider(options) : createOpenAiCompatibleProvider(options);
    return { provider, config };
  }

  /**
   * Sends a draft: estimate at send time, budget question, request, one ledger record per attempt.
   * Throws `UserFacingError` for what the user must fix first; provider failures come back in the result.
   */
  async send(draft: Draft, options: SendOptions = {}): Promise<SendOutcome> {
    const ref = parseModelRef(draft.modelRef);
    if (!ref) {
      throw new UserFacingError(`"${draft.modelRef}" is not a model reference like "openai:gpt-4.1". Pick one with "Credit Meter: Select Model".`, { title: 'Select Model', command: 'creditMeter.selectModel' });
    }
    await this.ledger();
    const estimate = this.liveEstimate.estimateDraft(draft);
    const overWindow = contextWindowWarning(estimate.summary);
    if (overWindow && !options.windowConfirmed) {
      const send = 'Send Anyway';
      const picked = await vscode.window.showWarningMessage(
        `${overWindow}: the provider will most likely refuse this request.`,
        { modal: true, detail: contextWindowFix(estimate.summary) },
        send,
      );
      if (picked !== send) {
        return { estimate, declined: 'window' };
      }
    }
    if (!options.budgetConfirmed && !(await this.budgets.confirmSend(estimate.summary.credits?.high ?? null))) {
      return { estimate, declined: 'budget' };
    }
    const { provider, config } = await this.providerFor(ref);
    const settings = this.config.settings;
    // A follow-up resends the thread's earlier turns: built by the core, as the estimate counted it.
    const conversation = draft.conversation
      ? conversationRequest({ ...draft.conversation, dialect: cacheDialectOf(config.kind) }, ref.model, settings.systemPrompt, draft.prompt, draft.contexts, this.estimator.countingFor(ref.model))
      : undefined;
    await options.beforeSend?.(estimate);
    const abort = new AbortController();
    const subscription = options.token?.onCancellationRequested(() => abort.abort());
    try {
      const result = await this.turns.run({
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
      this.learnFrom(result, estimate);
      if (result.ledgerError) {
        this.log.error('A usage record could not be written', result.ledgerError);
        void vscode.window.showErrorMessage(`Credit Meter could not record this request's cost: ${result.ledgerError.message}`);
      }
      this.log.info(`Turn ${result.turnId}: ${result.status}, ${result.records.length} attempt(s), ${result.credits ?? '?'} cr`);
      return { estimate, result, ...(conversation ? { conversation: { cacheRequest: conversation.send.cacheRequest } } : {}) };
    } finally {
      subscription?.dispose();
    }
  }

  /** A short message for a failed turn, with a fixing action when there is one. */
  async showSendError(error: unknown): Promise<void> {
    if (error instanceof UserFacingError) {
      const picked = error.action ? await vscode.window.showErrorMessage(error.message, error.action.title) : await vscode.window.showErrorMessage(error.message);
      if (picked && error.action) {
        await vscode.commands.executeCommand(error.action.command, ...(error.action.args ?? []));
      }
      return;
    }
    if (error instanceof ProviderError) {
      if (error.errorClass === 'cancelled') {
        return;
      }
      const fix = error.errorClass === 'auth' ? 'Set API Key' : undefined;
      const picked = fix ? await vscode.window.showErrorMessage(error.message, fix) : await vscode.window.showErrorMessage(error.message);
      if (picked === 'Set API Key') {
        await vscode.commands.executeCommand('creditMeter.setApiKey');
      }
      return;
    }
    this.log.error('Request failed', error);
    void vscode.window.showErrorMessage(`Credit Meter: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async openLedger(): Promise<Ledger> {
    const { ledger, report } = await Ledger.open(this.ledgerDir);
    this.openedLedger = ledger;
    this.log.info(`Ledger ${this.ledgerDir}: ${report.records} records in ${report.segments} segment(s)`);
    if (report.rebuilt !== undefined) {
      this.log.warn(`Ledger index rebuilt from the segments: ${report.rebuilt}`);
    }
    if (report.damaged > 0 || report.newer > 0) {
      this.log.warn(`Ledger: ${report.damaged} unreadable line(s) left in place, ${report.newer} record(s) of a newer Credit Meter not counted`);
    }
    if (report.quarantined > 0) {
      const message = `Credit Meter moved ${report.quarantined} unreadable usage line(s) to ${report.quarantineFile}.`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message);
    }
    // Records changed or left without an append (index rebuilt, segments deleted): sums kept on append are recounted.
    this._register(ledger.onDidReset((reason) => {
      this.log.info(`Ledger index changed without an append: ${reason}`);
      void this.budgets.recount();
    }));
    const recent = await ledger.query({ statuses: ['ok'] }, { order: 'desc', limit: HISTORY_LIMIT });
    this.history = recent.reverse().map(historyEntry);
    this._register(ledger.onDidAppend((record) => {
      if (record.outcome.status === 'ok') {
        this.history.push(historyEntry(record));
        if (this.history.length > HISTORY_LIMIT * 2) {
          this.history = this.history.slice(-HISTORY_LIMIT);
        }
      }
    }));
    await this.budgets.attach(ledger);
    this._register(await LedgerRefresher.start(ledger, { log: this.log, onSegmentsDeleted: () => this.budgets.recount() }));
    return ledger;
  }

  private async reloadProfile(): Promise<void> {
    const settings = this.config.settings;
    try {
      const profile = await profileFromSettings(settings, os.homedir());
      if (profile !== this.creditProfile) {
        this.creditProfile = profile;
        this.profileChanged.fire(profile);
      }
    } catch (error) {
      const message = `Credit profile not loaded, using the built-in one: ${error instanceof Error ? error.message : String(error)}`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message);
      this.creditProfile = DEFAULT_PROFILE;
    }
  }

  /** Teaches the calibration table from provider-reported input vs our count, and keeps it in globalState. */
  private learnFrom(result: TurnResult, estimate: DraftEstimate): void {
    if (learnCalibration(this.calibrationTable, result.records, estimate.estimate)) {
      void this.context.globalState.update(CALIBRATION_KEY, this.calibrationTable.toJSON());
    }
  }

  private restoreCalibration(): CalibrationTable {
    const saved = this.context.globalState.get<unknown>(CALIBRATION_KEY);
    if (saved === undefined) {
      return new CalibrationTable();
    }
    try {
      return CalibrationTable.fromJSON(saved);
    } catch (error) {
      this.log.warn(`Calibration reset: ${error instanceof Error ? error.message : String(error)}`);
      return new CalibrationTable();
    }
  }
}

function isLocal(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** What the output-size model learns from a recorded request. */
function historyEntry(record: UsageRecord): HistoryRecord {
  return { model: record.modelRequested, kind: record.kind, outputTokens: record.tokens.output, inputTokens: totalInput(record.tokens) };
}
