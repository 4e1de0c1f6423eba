/**
 * The Getting Started walkthrough (`contributes.walkthroughs` in package.json): opened once, on the
 * first start after install, and told what really happens, so that each step completes on the event
 * itself (a key stored, an estimate shown, a request answered, an assistant's request metered), never
 * on a click of the step's button. Steps that finish on a setting or a command (`onSettingChanged:`,
 * `onCommand:`) need nothing from here.
 */
import * as vscode from 'vscode';
import type { Ledger } from '../core/ledger/ledger';
import type { UsageRecord } from '../core/ledger/usageRecord';
import { Disposable } from './lifecycle';
import { providersNeedingKey } from './secrets';
import type { Services } from './services';

/** The walkthrough's id in package.json; VS Code knows it as `<extension id>#gettingStarted`. */
export const WALKTHROUGH_ID = 'gettingStarted';
/** Global state: the walkthrough was offered once, on the first start after install. */
export const WALKTHROUGH_OFFERED_KEY = 'creditMeter.walkthroughOffered';
/** On start, the latest records looked at for a request answered or metered before this version. */
const RECENT_RECORDS = 500;

/** The context keys the steps' `completionEvents` wait for (`onContext:<key>`). */
export const WALKTHROUGH_CONTEXT_KEYS = {
  /** An API key is stored for a configured provider. */
  apiKeyStored: 'creditMeter.apiKeyStored',
  /** A live estimate of a non-empty draft was shown (Compose, the status bar, Ask About Selection). */
  estimateShown: 'creditMeter.estimateShown',
  /** A request from Compose or Ask About Selection was answered and recorded. */
  requestSent: 'creditMeter.requestSent',
  /** An assistant sent a request through the metering gateway. */
  assistantConnected: 'creditMeter.assistantConnected',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT_KEYS;
export type WalkthroughProgressView = Readonly<Record<WalkthroughMilestone, boolean>>;

/** The milestone a recorded request reaches, if any (records from before sources were kept came from Compose). */
export function milestoneOf(record: Pick<UsageRecord, 'source' | 'outcome'>): WalkthroughMilestone | undefined {
  if (record.source === 'gateway') {
    return 'assistantConnected';
  }
  return record.outcome.status === 'ok' ? 'requestSent' : undefined;
}

/** What the progress follows: stored keys, settings, the live estimate; and where it logs. */
interface ProgressServices {
  readonly apiKeys: Pick<Services['apiKeys'], 'onDidChange' | 'stored'>;
  readonly config: Pick<Services['config'], 'onDidChange' | 'settings'>;
  readonly liveEstimate: Pick<Services['liveEstimate'], 'onDidChange'>;
  readonly log: Pick<Services['log'], 'warn'>;
}

/** Sets the walkthrough's context keys from what happens; `progress` is what they were last set to. */
export class WalkthroughProgress extends Disposable {
  private readonly reached: Record<WalkthroughMilestone, boolean> = { apiKeyStored: false, estimateShown: false, requestSent: false, assistantConnected: false };
  private keyCheck = 0;

  constructor(private readonly services: ProgressServices) {
    super();
    this._register(services.liveEstimate.onDidChange((state) => {
      if (state && state.draft.prompt.trim() !== '') {
        this.reach('estimateShown');
      }
    }));
  }

  get progress(): WalkthroughProgressView {
    return { ...this.reached };
  }

  /** After activation: stored keys now and as they change, and the ledger's requests. */
  start(ledger: Promise<Ledger>): void {
    this._register(this.services.apiKeys.onDidChange(() => void this.checkKeys()));
    this._register(this.services.config.onDidChange(() => void this.checkKeys()));
    void this.checkKeys();
    void ledger.then((opened) => this.follow(opened), () => undefined);
  }

  private async follow(ledger: Ledger): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    this._register(ledger.onDidAppend((record) => this.recorded(record)));
    try {
      for (const record of await ledger.query({}, { order: 'desc', limit: RECENT_RECORDS })) {
        this.recorded(record);
      }
    } catch (error) {
      this.services.log.warn(`Getting Started: earlier requests not read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private recorded(record: UsageRecord): void {
    const milestone = milestoneOf(record);
    if (milestone) {
      this.reach(milestone);
    }
  }

  private async checkKeys(): Promise<void> {
    const check = ++this.keyCheck;
    const providers = providersNeedingKey(this.services.config.settings.providers);
    const stored = await Promise.all(providers.map((provider) => this.services.apiKeys.stored(provider.id)));
    // Only the latest check decides: keys and providers may have changed while an earlier one read.
    if (check === this.keyCheck && !this.isDisposed) {
      this.reach('apiKeyStored', stored.some((key) => key !== undefined));
    }
  }

  private reach(milestone: WalkthroughMilestone, value = true): void {
    if (this.reached[milestone] === value) {
      return;
    }
    this.reached[milestone] = value;
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT_KEYS[milestone], value);
  }
}

/** Opens the walkthrough (`creditMeter.openWalkthrough`; the empty Compose and History views link to it). */
export function openWalkthrough(extensionId: string, options: { readonly inactive?: boolean } = {}): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, { toSide: false, ...options });
}

export interface FirstRunHost {
  readonly state: Pick<vscode.Memento, 'get' | 'update'>;
  /** VS Code's own choice, `workbench.welcomePage.walkthroughs.openOnInstall`. */
  openOnInstall(): boolean;
  open(): Thenable<unknown>;
}

/**
 * Offers the walkthrough on the first start after install, once: remembered before it opens, so a
 * failure to open never turns into a walkthrough on every start. Someone who turned VS Code's
 * "open walkthroughs on install" off is not shown it (the command and the empty views still are).
 */
export async function openOnFirstRun(host: FirstRunHost): Promise<boolean> {
  if (host.state.get<boolean>(WALKTHROUGH_OFFERED_KEY) === true) {
    return false;
  }
  await host.state.update(WALKTHROUGH_OFFERED_KEY, true);
  if (!host.openOnInstall()) {
    return false;
  }
  await host.open();
  return true;
}

/** The walkthrough's part of activation: its progress, started with the services, and the first-run offer. */
export function registerWalkthrough(context: vscode.ExtensionContext, services: Services, ready: Promise<void>): WalkthroughProgress {
  const progress = new WalkthroughProgress(services);
  context.subscriptions.push(progress);
  void ready
    .then(async () => {
      progress.start(services.ledger());
      const opened = await openOnFirstRun({
        state: context.globalState,
        openOnInstall: () => vscode.workspace.getConfiguration('workbench').get<boolean>('welcomePage.walkthroughs.openOnInstall', true),
        // Like VS Code's own offer: in the background when a text editor is open, so typing goes on.
        open: () => openWalkthrough(context.extension.id, { inactive: vscode.window.activeTextEditor !== undefined }),
      });
      if (opened) {
        services.log.info('Opened the Getting Started walkthrough (first start after install)');
      }
    })
    .catch((error: unknown) => services.log.error('Getting Started could not be opened', error));
  return progress;
}
