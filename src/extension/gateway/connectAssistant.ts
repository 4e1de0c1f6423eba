/**
 * "Credit Meter: Connect an Assistant…": pick the assistant (and the provider, when several fit),
 * turn the gateway on for this workspace, then show exactly what to paste and copy the main part.
 * For command-line assistants it offers to set their variables in new integrated terminals, after
 * saying plainly that a subscription login switches to API billing.
 */
import * as vscode from 'vscode';
import { ASSISTANTS, type AssistantId, type AssistantSetup, TERMINAL_ASSISTANTS, subscriptionWarning, assistantSetup, terminalVariables } from '../../gateway/assistants';
import type { GatewayProvider } from '../../gateway';
import type { Services } from '../services';
import { type GatewayHost, gatewayProviders } from './gatewayHost';

/** Arguments that skip the pickers and questions (tests, keybindings). */
export interface ConnectArgs {
  readonly assistant?: AssistantId;
  readonly provider?: string;
  /** Set the terminal variables without asking (true) or skip them (false). */
  readonly terminal?: boolean;
  /** Open the instructions in an editor (default true). */
  readonly show?: boolean;
}

export interface ConnectResult {
  readonly assistant: AssistantId;
  readonly provider: string;
  readonly url: string;
  readonly setup: AssistantSetup;
}

/** Where a gateway setting is written: this workspace when it is trusted, else the user's settings. */
function settingTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

async function pickProvider(providers: readonly GatewayProvider[], assistant: string, given?: string): Promise<GatewayProvider | undefined> {
  if (given !== undefined) {
    return providers.find((provider) => provider.id === given);
  }
  if (providers.length <= 1) {
    return providers[0];
  }
  const picked = await vscode.window.showQuickPick(
    providers.map((provider) => ({ label: provider.id, description: provider.baseUrl, detail: provider.kind === 'anthropic' ? vscode.l10n.t('Anthropic Messages API') : vscode.l10n.t('OpenAI-compatible API'), provider })),
    { title: vscode.l10n.t('Connect {0}', assistant), placeHolder: vscode.l10n.t('Which provider should it reach through the gateway?'), ignoreFocusOut: true },
  );
  return picked?.provider;
}

export async function connectAssistant(services: Services, host: GatewayHost, args: ConnectArgs = {}): Promise<ConnectResult | undefined> {
  const info = args.assistant !== undefined
    ? ASSISTANTS.find((candidate) => candidate.id === args.assistant)
    : (await vscode.window.showQuickPick(
      ASSISTANTS.map((assistant) => ({ label: assistant.label, detail: assistant.detail, assistant })),
      { title: vscode.l10n.t('Connect an Assistant to the Credit Meter gateway'), placeHolder: vscode.l10n.t('Which assistant?'), ignoreFocusOut: true, matchOnDetail: true },
    ))?.assistant;
  if (!info) {
    return undefined;
  }
  const usable = gatewayProviders(services).filter((provider) => info.kinds.includes(provider.kind));
  if (usable.length === 0) {
    const open = vscode.l10n.t('Open Settings');
    const picked = await vscode.window.showErrorMessage(info.kinds.length > 1
      ? vscode.l10n.t('{0} needs an {1} or {2} provider in creditMeter.providers.', info.label, info.kinds[0], info.kinds[1])
      : vscode.l10n.t('{0} needs an {1} provider in creditMeter.providers.', info.label, info.kinds[0]), open);
    if (picked === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'creditMeter.providers');
    }
    return undefined;
  }
  const provider = await pickProvider(usable, info.label, args.provider);
  if (!provider) {
    return undefined;
  }
  if (!(await services.apiKeys.stored(provider.id))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No API key is stored for "{0}" yet: the gateway will refuse its requests until one is set.', provider.id), vscode.l10n.t('Set API Key')).then((picked) => {
      if (picked) {
        void vscode.commands.executeCommand('creditMeter.setApiKey', provider.id);
      }
    });
  }
  if (!services.config.settings.gateway.enabled) {
    await vscode.workspace.getConfiguration('creditMeter').update('gateway.enabled', true, settingTarget());
  }
  await host.sync();
  const state = host.current;
  if (!state.running || !state.url) {
    void vscode.window.showErrorMessage(state.error
      ? vscode.l10n.t('Credit Meter: the metering gateway is not running: {0}.', state.error)
      : vscode.l10n.t('Credit Meter: the metering gateway is not running.'));
    return undefined;
  }
  const token = await host.token();
  const setup = assistantSetup(info.id, { gatewayUrl: state.url, token, provider: { id: provider.id, kind: provider.kind, models: services.config.settings.providers.find((p) => p.id === provider.id)?.models ?? [] } });
  await vscode.env.clipboard.writeText(setup.copy);
  if (args.show !== false) {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: setup.markdown });
    await vscode.window.showTextDocument(document, { preview: true });
    const copyToken = vscode.l10n.t('Copy Token');
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} for {1}. The gateway runs at {2}.', setup.copyLabel, info.label, state.url), copyToken).then((picked) => {
      if (picked === copyToken) {
        void vscode.env.clipboard.writeText(token);
      }
    });
  }
  if ((TERMINAL_ASSISTANTS as readonly string[]).includes(info.id) && terminalVariables(info.id, { gatewayUrl: state.url, token, provider: { id: provider.id, kind: provider.kind, models: [] } })) {
    await offerTerminal(services, info.id, info.label, args.terminal);
  }
  return { assistant: info.id, provider: provider.id, url: state.url, setup };
}

async function offerTerminal(services: Services, assistant: AssistantId, label: string, answer: boolean | undefined): Promise<void> {
  const current = services.config.settings.gateway.terminalEnvironment;
  if (current.includes(assistant) || answer === false) {
    return;
  }
  let yes = answer === true;
  if (answer === undefined) {
    const set = vscode.l10n.t('Set in New Terminals');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t("Also route {0} through the gateway in VS Code's integrated terminal?", label),
      { modal: true, detail: vscode.l10n.t('New terminals get its base URL and the gateway token. {0} You can undo this in the setting creditMeter.gateway.terminalEnvironment.', subscriptionWarning()) },
      set,
    );
    yes = picked === set;
  }
  if (yes) {
    await vscode.workspace.getConfiguration('creditMeter').update('gateway.terminalEnvironment', [...current, assistant], settingTarget());
  }
}

/** "Credit Meter: Rotate Gateway Token". */
export async function rotateGatewayToken(host: GatewayHost, quiet = false): Promise<string> {
  const token = await host.rotateToken();
  if (!quiet) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Credit Meter: the gateway token was replaced; the old one no longer works. Paste the new one into your assistants (Credit Meter: Connect an Assistant…).'));
  }
  return token;
}

/** "Credit Meter: Stop the Metering Gateway": turns the setting off where it was turned on. */
export async function stopGateway(host: GatewayHost): Promise<void> {
  const section = vscode.workspace.getConfiguration('creditMeter');
  const inspected = section.inspect<boolean>('gateway.enabled');
  if (inspected?.workspaceValue !== undefined && vscode.workspace.isTrusted) {
    await section.update('gateway.enabled', false, vscode.ConfigurationTarget.Workspace);
  }
  if (inspected?.globalValue !== undefined) {
    await section.update('gateway.enabled', false, vscode.ConfigurationTarget.Global);
  }
  await host.sync();
}
