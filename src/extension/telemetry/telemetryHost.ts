/**
 * The extension's side of team telemetry: reads `creditMeter.telemetry.*` (restricted: never from
 * an untrusted workspace), shows once what will be sent where and asks, then runs the ledger
 * exporter from `src/telemetry` (loaded only when telemetry is on), restarting it when a setting or
 * a header secret changes. Everything it learns goes to the log.
 */
import * as vscode from 'vscode';
import type { Ledger } from '../../core/ledger/ledger';
import {
  disclosureFingerprint, disclosureText, resolveOtlpTarget, type DisclosureSubject, type OtlpTarget, type TelemetrySettings,
} from '../../core/telemetry';
import type { ExportStats, LedgerExporter } from '../../telemetry';
import type { Config } from '../config';
import { Disposable } from '../lifecycle';
import type { TelemetryHeaders } from './telemetryHeaders';

const APPROVED_KEY = 'creditMeter.telemetry.approved';

export interface TelemetryHostOptions {
  readonly config: Config;
  readonly headers: TelemetryHeaders;
  readonly globalState: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
  readonly ledger: () => Promise<Ledger>;
  readonly version: string;
}

interface Wanted {
  readonly settings: TelemetrySettings;
  readonly target: OtlpTarget;
  readonly subject: DisclosureSubject;
  readonly fingerprint: string;
}

export class TelemetryHost extends Disposable {
  private exporter: LedgerExporter | undefined;
  private progress: { dispose(): void } | undefined;
  private running: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private asking: string | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<ExportStats | undefined>());
  /** Fires with the exporter's progress (undefined when it stops). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: TelemetryHostOptions) {
    super();
    this._register(options.config.onDidChange(() => this.reconcile()));
    this._register(options.headers.onDidChange(() => this.reconcile(true)));
    this._register({ dispose: () => { void this.stopExporter(); } });
  }

  /** The running exporter's progress, if one runs. */
  get stats(): ExportStats | undefined {
    return this.exporter?.stats;
  }

  /** Starts, restarts or stops the exporter to match the settings. Serialized: one change at a time. */
  reconcile(force = false): Promise<void> {
    const next = this.queue.then(() => this.apply(force)).catch((error: unknown) => {
      this.options.log.error('Telemetry could not start', error);
    });
    this.queue = next;
    return next;
  }

  /** "Credit Meter: Show What Telemetry Sends"; `answer` records the choice without the dialog (tests, keybindings). */
  async showDisclosure(answer?: 'send' | 'turnOff'): Promise<boolean> {
    const wanted = this.wanted();
    if (!wanted) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Credit Meter telemetry has no endpoint: set "creditMeter.telemetry.otlpEndpoint" first.'));
      return false;
    }
    const accepted = answer === undefined ? await this.ask(wanted) : answer === 'send';
    await this.record(wanted, accepted);
    await this.reconcile();
    return accepted;
  }

  private wanted(): Wanted | undefined {
    const settings = this.options.config.settings.telemetry;
    if (!settings.otlpEndpoint) {
      return undefined;
    }
    const target = resolveOtlpTarget({ endpoint: settings.otlpEndpoint, protocol: settings.otlpProtocol });
    const subject: DisclosureSubject = {
      tracesUrl: target.traces.url, protocol: settings.otlpProtocol, headers: settings.headers,
      resourceAttributes: settings.resourceAttributes, includeContent: settings.includeContent,
    };
    return { settings, target, subject, fingerprint: disclosureFingerprint(subject) };
  }

  private approved(fingerprint: string): boolean {
    return this.options.globalState.get<string[]>(APPROVED_KEY, []).includes(fingerprint);
  }

  private async record(wanted: Wanted, accepted: boolean): Promise<void> {
    const approved = this.options.globalState.get<string[]>(APPROVED_KEY, []).filter((value) => value !== wanted.fingerprint);
    await this.options.globalState.update(APPROVED_KEY, accepted ? [...approved.slice(-19), wanted.fingerprint] : approved);
    if (!accepted && wanted.settings.enabled) {
      this.options.log.info(`Telemetry to ${wanted.subject.tracesUrl} declined: turning creditMeter.telemetry.enabled off.`);
      await this.options.config.update('telemetry.enabled', false);
    }
  }

  private async ask(wanted: Wanted): Promise<boolean> {
    const ledger = await this.options.ledger();
    const { message, detail } = disclosureText(wanted.subject, ledger.size);
    const send = vscode.l10n.t('Send');
    const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, send, vscode.l10n.t('Turn Off'));
    return picked === send;
  }

  private async apply(force: boolean): Promise<void> {
    if (this.isDisposed) {
      return;
    }
    const wanted = this.wanted();
    if (!wanted?.settings.enabled) {
      if (this.exporter) {
        this.options.log.info('Telemetry turned off.');
      }
      await this.stopExporter();
      return;
    }
    if (!this.approved(wanted.fingerprint)) {
      await this.stopExporter();
      if (this.asking !== wanted.fingerprint) {
        // Not awaited: the question may stay open; answering it (or the command) reconciles again.
        this.asking = wanted.fingerprint;
        void this.ask(wanted).then(async (accepted) => {
          this.asking = undefined;
          if (this.wanted()?.fingerprint === wanted.fingerprint) {
            await this.record(wanted, accepted);
            await this.reconcile();
          }
        }, (error: unknown) => {
          this.asking = undefined;
          this.options.log.error('Telemetry disclosure failed', error);
        });
      }
      return;
    }
    if (this.running === wanted.fingerprint && this.exporter && !force) {
      return;
    }
    await this.stopExporter();
    const origin = new URL(wanted.target.traces.url).origin;
    const { headers, missing } = await this.options.headers.resolve(origin, wanted.settings.headers);
    if (missing.length > 0) {
      this.options.log.warn(`Telemetry header(s) ${missing.join(', ')} have no value for ${origin}: set them with "Credit Meter: Set Telemetry Header". Sending without them.`);
    }
    const ledger = await this.options.ledger();
    const { LedgerExporter } = await import('../../telemetry');
    if (this.isDisposed) {
      return;
    }
    const exporter = await LedgerExporter.start({
      ledger, target: wanted.target, headers, environment: 'ignore', includeContent: wanted.settings.includeContent,
      resourceAttributes: wanted.settings.resourceAttributes, version: this.options.version, follow: true,
      log: (level, text) => (level === 'warn' ? this.options.log.warn(text) : this.options.log.info(text)),
    });
    this.exporter = exporter;
    this.running = wanted.fingerprint;
    this.progress = exporter.onDidChange((stats) => this.changed.fire(stats));
  }

  private async stopExporter(): Promise<void> {
    const exporter = this.exporter;
    this.exporter = undefined;
    this.running = undefined;
    this.progress?.dispose();
    this.progress = undefined;
    if (exporter) {
      await exporter.stop();
      this.changed.fire(undefined);
    }
  }
}

/** "Credit Meter: Set Telemetry Header": a header name and its secret value, for the configured endpoint's origin. */
export async function setTelemetryHeader(config: Config, headers: TelemetryHeaders, name?: string, value?: string): Promise<boolean> {
  const settings = config.settings.telemetry;
  if (!settings.otlpEndpoint) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Set "creditMeter.telemetry.otlpEndpoint" first: header values are stored for that endpoint only.'));
    return false;
  }
  const origin = new URL(settings.otlpEndpoint).origin;
  const header = name ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Telemetry header name'),
    prompt: vscode.l10n.t('A header sent with every export to {0}, e.g. Authorization or x-honeycomb-team.', origin),
    value: settings.headers[0] ?? 'Authorization',
    ignoreFocusOut: true,
    validateInput: (text) => (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(text.trim()) ? undefined : vscode.l10n.t('A header name: letters, digits and - only.')),
  });
  if (!header?.trim()) {
    return false;
  }
  const secret = value ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Value of {0}', header.trim()),
    prompt: vscode.l10n.t("Stored in VS Code's secret storage and sent only to {0}.", origin),
    password: true,
    ignoreFocusOut: true,
  });
  if (secret === undefined || secret === '') {
    return false;
  }
  await headers.set(origin, header.trim(), secret);
  if (!settings.headers.some((known) => known.toLowerCase() === header.trim().toLowerCase())) {
    await config.update('telemetry.headers', [...settings.headers, header.trim()]);
  }
  if (value === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Telemetry header {0} saved for {1}.', header.trim(), origin));
  }
  return true;
}
