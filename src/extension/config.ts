/**
 * Typed settings, read once and re-read on `affectsConfiguration('creditMeter')` or when the workspace
 * becomes trusted. In an untrusted workspace the restricted keys (where a key is sent, what is sent
 * with it, what things cost, the budget) come from user settings or defaults only: a cloned repo's
 * `.vscode/settings.json` cannot redirect a provider's base URL, swap the credit profile, lift the
 * budget, or add a system prompt to every request (`core/settings/readSettings.ts`).
 */
import * as vscode from 'vscode';
import { readSettings, userLevelSettings } from '../core/settings/readSettings';
import { SETTINGS_SECTION, type ProviderConfig, type SettingKey, type Settings } from '../core/settings/settings';
import { Disposable } from './lifecycle';

export class Config extends Disposable {
  private current: Settings;
  private reported = new Set<string>();
  private readonly changed = this._register(new vscode.EventEmitter<Settings>());
  /** Fires with the new settings after any `creditMeter.*` change or a trust grant. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.current = this.read();
    this._register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) {
        this.reload();
      }
    }));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()));
  }

  get settings(): Settings {
    return this.current;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** The providers as the user's own settings (or the defaults) configure them, whatever a workspace says. */
  get userProviders(): readonly ProviderConfig[] {
    const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    return userLevelSettings((key) => section.inspect(key)).providers;
  }

  /** Writes a setting where the user keeps it: the workspace when it is set there (and trusted), else user settings. */
  async update(key: SettingKey, value: unknown): Promise<void> {
    const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inspected = section.inspect(key);
    const target = inspected?.workspaceValue !== undefined && vscode.workspace.isTrusted
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await section.update(key, value, target);
  }

  private reload(): void {
    this.current = this.read();
    this.changed.fire(this.current);
  }

  private read(): Settings {
    const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const { settings, problems, ignored } = readSettings((key) => section.inspect(key), { trusted: vscode.workspace.isTrusted });
    for (const name of ignored) {
      this.reportOnce(`Ignoring the workspace value of ${name}: this workspace is not trusted.`, 'info');
    }
    for (const problem of problems) {
      this.reportOnce(`Invalid setting ${problem.field}: ${problem.message}. Using the default instead.`, 'warn',
        () => vscode.l10n.t('Credit Meter: invalid setting {0}: {1}. Using the default instead.', problem.field, problem.message));
    }
    return settings;
  }

  /** Logs `message` (English) once; a warning is also shown to the user, in their language (`shown`). */
  private reportOnce(message: string, level: 'info' | 'warn', shown?: () => string): void {
    if (this.reported.has(message)) {
      return;
    }
    this.reported.add(message);
    if (level === 'warn') {
      this.log.warn(message);
      void vscode.window.showWarningMessage(shown?.() ?? vscode.l10n.t('Credit Meter: {0}', message), vscode.l10n.t('Open Settings')).then((picked) => {
        if (picked) {
          void vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_SECTION);
        }
      });
    } else {
      this.log.info(message);
    }
  }
}
