/**
 * Hosts the metering gateway in the extension: starts it once the ledger is open when
 * `creditMeter.gateway.enabled` is on (and stops it when turned off), keeps its token in
 * SecretStorage and its port in the workspace state (so assistants' settings stay valid), and hands
 * it the extension's settings, keys, ledger, budgets and history. The gateway itself has no vscode.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { TaskSnapshot } from '../../core/tasks';
import { Gateway, type GatewayProvider, gatewayProvidersFrom, newGatewayToken } from '../../gateway';
import { Disposable } from '../lifecycle';
import type { Services } from '../services';

const PORT_KEY = 'creditMeter.gateway.port';
const TOKEN_PREFIX = 'creditMeter.gatewayToken.';

export interface GatewayState {
  readonly running: boolean;
  /** `http://127.0.0.1:<port>` while running. */
  readonly url?: string;
  readonly port?: number;
  /** Why it is not running, when it should be. */
  readonly error?: string;
}

/**
 * The one place the gateway gets a provider's real key: through the same origin check as Compose's
 * sends, so a key goes only to the origin it was stored for, or elsewhere after the user said yes.
 */
export async function gatewayApiKey(services: Services, provider: GatewayProvider): Promise<string | undefined> {
  const lookup = await services.apiKeys.keyFor(provider.id, provider.baseUrl, { confirm: (question) => services.confirmKeyOrigin(question) });
  return lookup.kind === 'key' ? lookup.key : undefined;
}

/** Providers the gateway can forward to: the configured openai and anthropic ones with a base URL. */
export function gatewayProviders(services: Services): GatewayProvider[] {
  return gatewayProvidersFrom(services.config.settings.providers);
}

export class GatewayHost extends Disposable {
  private gateway: Gateway | undefined;
  private state: GatewayState = { running: false };
  /** Serialises start / stop / restart. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly keys = new Map<string, Promise<string | undefined>>();
  private readonly changed = this._register(new vscode.EventEmitter<GatewayState>());
  /** Fires when the gateway starts, stops, changes port or token. */
  readonly onDidChange = this.changed.event;
  private readonly taskChanged = this._register(new vscode.EventEmitter<TaskSnapshot>());
  /** Fires when a gateway task starts, gets a round, settles or closes. */
  readonly onDidChangeTask = this.taskChanged.event;
  private gatewaySubscription: { dispose(): void } | undefined;

  constructor(private readonly services: Services, private readonly context: vscode.ExtensionContext) {
    super();
    this._register(services.apiKeys.onDidChange(() => this.keys.clear()));
    this._register(services.config.onDidChange(() => {
      this.keys.clear();
      void this.sync();
    }));
    this._register({ dispose: () => { void this.shutdown(); } });
  }

  get current(): GatewayState {
    return this.state;
  }

  /** The running gateway (tests and the status item read its tasks). */
  get running(): Gateway | undefined {
    return this.gateway;
  }

  /** The open task active most recently, for the status bar. */
  latestTask(): TaskSnapshot | undefined {
    return this.gateway?.tasks.latest(Date.now());
  }

  /** Starts or stops the gateway as the settings say; call once the ledger can open. */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      const settings = this.services.config.settings.gateway;
      if (!settings.enabled) {
        await this.stopNow();
        return;
      }
      const wanted = settings.port || this.context.workspaceState.get<number>(PORT_KEY) || 0;
      if (this.gateway && (settings.port === 0 || settings.port === this.gateway.port)) {
        return;
      }
      if (this.gateway && wanted !== this.gateway.port) {
        await this.stopNow();
      }
      await this.startNow(wanted, settings.port !== 0);
    });
  }

  /** The workspace's gateway token, created on first use. */
  async token(): Promise<string> {
    const key = this.tokenKey();
    let token = await this.context.secrets.get(key);
    if (!token) {
      token = newGatewayToken();
      await this.context.secrets.store(key, token);
    }
    return token;
  }

  /** A new token for this workspace; the old one stops working at once. */
  async rotateToken(): Promise<string> {
    const token = newGatewayToken();
    await this.context.secrets.store(this.tokenKey(), token);
    this.gateway?.setToken(token);
    this.services.log.info('Gateway token rotated');
    this.setState({ ...this.state });
    return token;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch((error: unknown) => this.services.log.error('Gateway start/stop failed', error));
    return next;
  }

  private async startNow(port: number, fixed: boolean): Promise<void> {
    const ledger = await this.services.ledger();
    const token = await this.token();
    const options = {
      token,
      host: {
        providers: () => gatewayProviders(this.services),
        apiKey: (providerId: string) => this.apiKey(providerId),
        append: (record: Parameters<typeof ledger.append>[0]) => ledger.append(record),
        profile: () => this.services.profile,
        budget: () => {
          const settings = this.services.config.settings;
          return { enforce: settings.gateway.enforceBudget, limits: { ...settings.budget, perTask: settings.budgetPerTask } };
        },
        spend: () => this.services.budgets.spend(),
        history: () => this.services.outputHistory,
        calibration: () => this.services.calibration,
        storePrompts: () => this.services.config.settings.storePrompts,
        log: this.services.log,
      },
    };
    let gateway: Gateway;
    try {
      gateway = await Gateway.start({ ...options, port });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || fixed || port === 0) {
        const message = inUse ? vscode.l10n.t('Port {0} on 127.0.0.1 is in use: pick another in creditMeter.gateway.port.', port) : vscode.l10n.t('The metering gateway could not start: {0}', error instanceof Error ? error.message : String(error));
        this.setState({ running: false, error: message });
        this.services.log.error(message);
        void vscode.window.showErrorMessage(vscode.l10n.t('Credit Meter: {0}', message));
        return;
      }
      // The remembered port is taken: a new one, and the assistants need their base URL updated.
      gateway = await Gateway.start({ ...options, port: 0 });
      void vscode.window.showWarningMessage(vscode.l10n.t("Credit Meter: the gateway's port {0} is in use, so it now listens on {1}. Update your assistants' base URL (Credit Meter: Connect an Assistant…).", port, gateway.port));
    }
    this.gateway = gateway;
    await this.context.workspaceState.update(PORT_KEY, gateway.port);
    this.gatewaySubscription = gateway.onTaskChange((task) => this.taskChanged.fire(task));
    void vscode.commands.executeCommand('setContext', 'creditMeter.gatewayRunning', true);
    this.services.log.info(`Metering gateway on ${gateway.url} for ${gatewayProviders(this.services).map((provider) => provider.id).join(', ') || 'no provider'}`);
    this.setState({ running: true, url: gateway.url, port: gateway.port });
  }

  private async stopNow(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway) {
      return;
    }
    this.gateway = undefined;
    this.gatewaySubscription?.dispose();
    this.gatewaySubscription = undefined;
    await gateway.close(2000);
    void vscode.commands.executeCommand('setContext', 'creditMeter.gatewayRunning', false);
    this.services.log.info('Metering gateway stopped');
    this.setState({ running: false });
  }

  /**
   * Window closing: requests in flight get a second to finish and be recorded. Deactivation awaits
   * it (before the ledger closes); disposal starts it when deactivation did not.
   */
  shutdown(): Promise<void> {
    const gateway = this.gateway;
    this.gateway = undefined;
    return gateway ? gateway.close(1000) : Promise.resolve();
  }

  /** Keys are read from SecretStorage once per provider and forgotten when they change. */
  private apiKey(providerId: string): Promise<string | undefined> {
    let key = this.keys.get(providerId);
    if (!key) {
      const provider = gatewayProviders(this.services).find((candidate) => candidate.id === providerId);
      key = provider ? gatewayApiKey(this.services, provider) : Promise.resolve(undefined);
      this.keys.set(providerId, key);
    }
    return key;
  }

  private tokenKey(): string {
    const workspace = this.context.storageUri?.toString() ?? 'no-workspace';
    return TOKEN_PREFIX + createHash('sha256').update(workspace).digest('hex').slice(0, 16);
  }

  private setState(state: GatewayState): void {
    this.state = state;
    this.changed.fire(state);
  }
}
