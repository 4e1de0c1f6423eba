/**
 * Opt-in, per assistant (`creditMeter.gateway.terminalEnvironment`): the base-URL and key variables of
 * command-line assistants in new integrated terminals, so `claude`, `codex`, `aider` or a script
 * using an SDK go through the gateway. Set only while the gateway runs, never persisted, and
 * replaced when the port or the token changes. Terminals already open keep what they had.
 */
import * as vscode from 'vscode';
import { ASSISTANTS, TERMINAL_ASSISTANTS, terminalVariables, type AssistantId } from '../../gateway/assistants';
import { Disposable } from '../lifecycle';
import { type GatewayHost, gatewayProviders } from './gatewayHost';
import type { Services } from '../services';

export class TerminalEnvironment extends Disposable {
  private applied: Record<string, string> = {};

  constructor(private readonly services: Services, private readonly host: GatewayHost, private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    super();
    collection.persistent = false;
    this._register(host.onDidChange(() => { void this.apply(); }));
    this._register(services.config.onDidChange(() => { void this.apply(); }));
    this._register({ dispose: () => collection.clear() });
  }

  /** The variables now set, by name. */
  get variables(): Readonly<Record<string, string>> {
    return this.applied;
  }

  async apply(): Promise<void> {
    const state = this.host.current;
    const wanted = this.services.config.settings.gateway.terminalEnvironment
      .filter((id): id is AssistantId => (TERMINAL_ASSISTANTS as readonly string[]).includes(id));
    const variables: Record<string, string> = {};
    if (state.running && state.url && wanted.length > 0) {
      const token = await this.host.token();
      const providers = gatewayProviders(this.services);
      for (const assistant of wanted) {
        const kinds = ASSISTANTS.find((info) => info.id === assistant)?.kinds ?? [];
        // The first configured provider the assistant can use; aider gets one of each kind.
        for (const kind of assistant === 'aider' ? kinds : kinds.slice(0, 1)) {
          const provider = providers.find((candidate) => candidate.kind === kind);
          if (provider) {
            Object.assign(variables, terminalVariables(assistant, { gatewayUrl: state.url, token, provider: { id: provider.id, kind, models: [] } }));
          }
        }
      }
    }
    this.collection.clear();
    for (const [name, value] of Object.entries(variables)) {
      this.collection.replace(name, value);
    }
    this.collection.description = Object.keys(variables).length > 0
      ? new vscode.MarkdownString(vscode.l10n.t('Credit Meter routes {0} through its metering gateway ({1}).', wanted.map((id) => ASSISTANTS.find((info) => info.id === id)?.label ?? id).join(', '), Object.keys(variables).join(', ')))
      : undefined;
    this.applied = variables;
  }
}
