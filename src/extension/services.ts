/**
 * The wiring: the one object every surface gets. It builds the parts and hands them to each other;
 * each job lives in its own file: the provider registry (`providerRegistry.ts`), the send path
 * (`sendPath.ts`), error display (`errorDisplay.ts`), the credit profile (`profileReload.ts`), the
 * calibration (`calibrationStore.ts`) and the workspace ledger (`workspaceLedger.ts`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HistoryRecord } from '../core/estimate/outputModel';
import type { Ledger } from '../core/ledger/ledger';
import type { CreditProfile } from '../core/pricing';
import type { ModelRef } from '../core/settings/modelRef';
import type { ProviderConfig } from '../core/settings/settings';
import type { CalibrationTable } from '../core/tokens';
import { DraftTips } from '../core/tips/draftTips';
import type { ChatProvider } from '../providers/types';
import { DraftEstimator } from '../send/draftEstimator';
import { TurnRunner } from '../send/turnRunner';
import type { Draft } from '../send/turnTypes';
import { Budgets } from './budgets';
import { CalibrationStore } from './calibrationStore';
import { tipText } from '../views/composeText';
import { Config } from './config';
import { showSendError } from './errorDisplay';
import { Disposable } from './lifecycle';
import { LiveEstimate } from './liveEstimate';
import { ProfileReload } from './profileReload';
import { ProviderRegistry } from './providerRegistry';
import { ApiKeys, askBeforeSendingKey, type ConfirmKeyOrigin } from './secrets';
import { ModelLists } from './selectModel';
import { SendPath, type SendOptions, type SendOutcome } from './sendPath';
import { WorkspaceLedger } from './workspaceLedger';

export { UserFacingError } from './errorDisplay';
export type { SendOptions, SendOutcome } from './sendPath';

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
  private readonly calibrationStore: CalibrationStore;
  private readonly profiles: ProfileReload;
  private readonly workspaceLedger: WorkspaceLedger;
  private readonly providers: ProviderRegistry;
  private readonly sendPath: SendPath;
  readonly onDidChangeProfile: vscode.Event<CreditProfile>;
  /** Asked before a key goes to an origin it was not stored for (the modal; the integration tests answer it instead). */
  confirmKeyOrigin: ConfirmKeyOrigin = askBeforeSendingKey;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    // Not registered: disposed last, after what failed while disposing the rest was logged to it.
    this.log = vscode.window.createOutputChannel('Credit Meter', { log: true });
    this.config = this._register(new Config(this.log));
    this.apiKeys = this._register(new ApiKeys(context.secrets, context.globalState, () => this.config.userProviders));
    this.ledgerDir = path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'ledger');
    this.calibrationStore = new CalibrationStore(context.globalState, this.log);
    this.profiles = this._register(new ProfileReload(this.config, this.log));
    this.onDidChangeProfile = this.profiles.onDidChange;
    this.estimator = new DraftEstimator({
      profile: () => this.profile,
      calibration: () => this.calibration,
      history: () => this.outputHistory,
    });
    this.liveEstimate = this._register(new LiveEstimate({
      estimator: this.estimator,
      defaultModelRef: () => this.config.settings.defaultModel,
      system: () => this.config.settings.systemPrompt,
      log: this.log,
    }));
    let models: { settings: unknown; list: readonly string[] } | undefined;
    this.tips = new DraftTips({
      profile: () => this.profile,
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
    this.workspaceLedger = this._register(new WorkspaceLedger({ dir: this.ledgerDir, log: this.log, budgets: this.budgets }));
    this.modelLists = new ModelLists({
      globalState: context.globalState,
      providers: () => this.config.settings.providers,
      // Only a key already bound to the provider's origin: listing models never asks, and never sends a key elsewhere.
      apiKey: (provider) => (provider.baseUrl ? this.apiKeys.boundKeyFor(provider.id, provider.baseUrl) : Promise.resolve(undefined)),
      log: this.log,
    });
    this.turns = new TurnRunner({
      ledger: { append: async (record) => (await this.ledger()).append(record) },
      pricing: () => ({ profile: this.profile }),
    });
    this.providers = new ProviderRegistry({
      config: this.config,
      apiKeys: this.apiKeys,
      profile: () => this.profile,
      calibration: () => this.calibration,
      confirmKeyOrigin: () => this.confirmKeyOrigin,
    });
    this.sendPath = new SendPath({
      config: this.config,
      log: this.log,
      ledger: () => this.ledger(),
      liveEstimate: this.liveEstimate,
      estimator: this.estimator,
      budgets: this.budgets,
      providers: this.providers,
      turns: this.turns,
      calibration: this.calibrationStore,
    });
    this._register(this.turns.onDidChangeRunning((running) => {
      void vscode.commands.executeCommand('setContext', 'creditMeter.requestRunning', running);
    }));
    this._register(this.config.onDidChange(() => {
      void this.profiles.reload();
      this.liveEstimate.refresh();
    }));
  }

  get profile(): CreditProfile {
    return this.profiles.current;
  }

  get calibration(): CalibrationTable {
    return this.calibrationStore.table;
  }

  /** Puts back a calibration table saved with `toJSON()`. */
  restoreCalibration(json: unknown): Promise<void> {
    return this.calibrationStore.replace(json);
  }

  /** Recent successful requests, which the output-size model learns from (the gateway's estimates use them too). */
  get outputHistory(): readonly HistoryRecord[] {
    return this.workspaceLedger.outputHistory;
  }

  /** The ledger is already open (for synchronous readers such as the status bar). */
  get ledgerIfOpen(): Ledger | undefined {
    return this.workspaceLedger.current;
  }

  /** Work that must not slow activation: profile file, ledger scan. */
  async start(): Promise<void> {
    await Promise.all([this.profiles.reload(), this.ledger().then(() => undefined)]);
    // Providers with a key: their current model lists, in the background (the built-in lists meanwhile).
    void this.modelLists.refreshStale();
  }

  /** Opens the workspace ledger on first use (again after a failed open); reports quarantined lines once. */
  ledger(): Promise<Ledger> {
    return this.workspaceLedger.get();
  }

  /** Closes the ledger once its writes have ended (deactivation waits for it). */
  closeLedger(): Promise<void> {
    return this.workspaceLedger.close();
  }

  providerFor(ref: ModelRef): Promise<{ provider: ChatProvider; config: ProviderConfig }> {
    return this.providers.providerFor(ref);
  }

  send(draft: Draft, options: SendOptions = {}): Promise<SendOutcome> {
    return this.sendPath.send(draft, options);
  }

  /** A short message for a failed turn, with a fixing action when there is one. */
  showSendError(error: unknown): Promise<void> {
    return showSendError(error, this.log);
  }

  override dispose(): void {
    super.dispose();
    this.log.dispose();
  }

  protected override disposeFailed(errors: readonly unknown[]): void {
    for (const error of errors) {
      this.log.error('Disposing failed', error);
    }
  }
}
