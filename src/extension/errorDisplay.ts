/**
 * How a failed request is shown: a problem the user can fix comes with the command that fixes it;
 * a provider's failure in its own words; a cancelled request says nothing.
 */
import * as vscode from 'vscode';
import { ProviderError } from '../providers/providerError';

/** A problem the user can fix, with the command that fixes it. */
export class UserFacingError extends Error {
  constructor(message: string, readonly action?: { readonly title: string; readonly command: string; readonly args?: unknown[] }) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** A short message for a failed turn, with a fixing action when there is one. */
export async function showSendError(error: unknown, log: vscode.LogOutputChannel): Promise<void> {
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
    const fix = error.errorClass === 'auth' ? vscode.l10n.t('Set API Key') : undefined;
    const picked = fix ? await vscode.window.showErrorMessage(error.message, fix) : await vscode.window.showErrorMessage(error.message);
    if (fix !== undefined && picked === fix) {
      await vscode.commands.executeCommand('creditMeter.setApiKey');
    }
    return;
  }
  log.error('Request failed', error);
  void vscode.window.showErrorMessage(vscode.l10n.t('Credit Meter: {0}', error instanceof Error ? error.message : String(error)));
}
