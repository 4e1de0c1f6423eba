/**
 * What Credit Meter exports to tests and to other extensions: `exports.getApi(1)` returns a
 * `CreditMeterApiV1`, the parts they read (the ledger, the live estimate, settings, threads, the
 * gateway's state) narrowed to what they use, never the extension's internals as a whole. A later
 * version adds `getApi(2)`; version 1 keeps its shape.
 */
import type * as vscode from 'vscode';
import type { Ledger } from '../core/ledger/ledger';
import type { CreditProfile } from '../core/pricing';
import type { CalibrationTable } from '../core/tokens';
import type { Budgets } from './budgets';
import type { ComposeThreads } from './compose/composeThreads';
import type { Config } from './config';
import type { GatewayHost } from './gateway/gatewayHost';
import type { TaskStatusView } from './gateway/taskStatusItem';
import type { Draft } from '../send/turnTypes';
import type { LiveEstimate } from './liveEstimate';
import type { ApiKeys, ConfirmKeyOrigin } from './secrets';
import type { SendOutcome } from './sendPath';
import type { StatusBarView } from './statusBar';
import type { WalkthroughProgressView } from './walkthrough';

export interface CreditMeterApiV1 {
  readonly version: 1;
  /** Resolves once the tokenizer is warm, the ledger open and the credit profile loaded. */
  ready(): Promise<void>;
  /** The workspace's usage ledger (opened on first use). */
  ledger(): Promise<Ledger>;
  ledgerDir(): string;
  /** Settings as Credit Meter read them, and when it re-read them. */
  readonly config: Pick<Config, 'settings' | 'trusted' | 'onDidChange'>;
  /** The credit profile in force. */
  profile(): CreditProfile;
  /** What the calibration learned of proxy-counted model families. */
  calibration(): Pick<CalibrationTable, 'toJSON'>;
  /** Puts back what the calibration learned, as `calibration().toJSON()` gave it (and its saved copy). */
  restoreCalibration(json: unknown): Promise<void>;
  readonly apiKeys: Pick<ApiKeys, 'stored' | 'set' | 'onDidChange'>;
  /** The draft being typed and its estimate (status bar, Compose). */
  readonly liveEstimate: Pick<LiveEstimate, 'state' | 'currentDraft' | 'update' | 'clear' | 'estimateDraft' | 'onDidChange'>;
  readonly budgets: Pick<Budgets, 'spend' | 'recount'>;
  /** A request of the editor's is running. */
  requestRunning(): boolean;
  /**
   * Sends a draft as Compose does (estimate, questions, request, one record per attempt); rejects with
   * the message the user would see when something must be fixed first.
   */
  send(draft: Draft): Promise<SendOutcome>;
  /** The question asked before a key goes to an origin it was not stored for (a test answers it instead of the modal). */
  confirmKeyOrigin: ConfirmKeyOrigin;
  /** Compose's conversations in this workspace. */
  readonly threads: Pick<ComposeThreads, 'dir' | 'get' | 'list' | 'storeIfOpen'>;
  statusBar(): StatusBarView;
  /** The metering gateway: its state and token. */
  readonly gateway: Pick<GatewayHost, 'current' | 'token'>;
  /** The status-bar item of the gateway's running task. */
  gatewayTask(): TaskStatusView;
  /** What the Getting Started walkthrough's context keys were last set to. */
  walkthrough(): WalkthroughProgressView;
  /** The log channel (its name and level). */
  readonly log: Pick<vscode.LogOutputChannel, 'name' | 'logLevel'>;
  /** Where Credit Meter keeps state: its extension storage, mementos, secrets and terminal variables. */
  readonly storage: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri' | 'workspaceState' | 'globalState' | 'secrets' | 'environmentVariableCollection'>;
}

/** `vscode.extensions.getExtension('…credit-meter').exports`. */
export interface CreditMeterExports {
  /** The API of the given version; throws for a version this build does not have. */
  getApi(version: 1): CreditMeterApiV1;
}

export function creditMeterExports(v1: CreditMeterApiV1): CreditMeterExports {
  return {
    getApi(version: number): CreditMeterApiV1 {
      if (version !== 1) {
        throw new Error(`Credit Meter has no API version ${String(version)} (it has 1)`);
      }
      return v1;
    },
  };
}
