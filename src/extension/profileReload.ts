/**
 * The credit profile in force: read from the settings (and the profile file they name) at start and
 * on every settings change; a profile that does not load leaves the built-in one, with a warning.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_PROFILE, type CreditProfile } from '../core/pricing';
import { profileFromSettings } from '../core/settings/settingsProfile';
import type { Config } from './config';
import { Disposable } from './lifecycle';

export class ProfileReload extends Disposable {
  private profile: CreditProfile = DEFAULT_PROFILE;
  private readonly changed = this._register(new vscode.EventEmitter<CreditProfile>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly config: Config, private readonly log: vscode.LogOutputChannel) {
    super();
  }

  get current(): CreditProfile {
    return this.profile;
  }

  async reload(): Promise<void> {
    const settings = this.config.settings;
    try {
      const profile = await profileFromSettings(settings, os.homedir());
      if (profile !== this.profile) {
        this.profile = profile;
        this.changed.fire(profile);
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn(`Credit profile not loaded, using the built-in one: ${reason}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Credit profile not loaded, using the built-in one: {0}', reason));
      this.profile = DEFAULT_PROFILE;
    }
  }
}
