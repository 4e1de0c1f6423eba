/**
 * How each assistant is pointed at the gateway: exactly what to paste, checked against each one's
 * own documented configuration keys (the README's "Connect an assistant" section says the same):
 *
 * | assistant | where | keys |
 * | --- | --- | --- |
 * | Cline | settings panel | API Provider "OpenAI Compatible": Base URL, API Key, Model ID; or "Anthropic" with "Use custom base URL" (docs.cline.bot, provider-config/openai-compatible) |
 * | Roo Code | settings panel | API Provider "OpenAI Compatible": Base URL, API Key, Model; or "Anthropic" with "Use custom base URL" (docs.roocode.com, providers/openai-compatible, providers/anthropic) |
 * | Continue | `config.yaml` | `provider: openai` or `anthropic`, `apiBase`, `apiKey`, `model` (docs.continue.dev, model-providers/openai; Anthropic's default apiBase is `https://api.anthropic.com/v1/`, requests go to `messages` under it) |
 * | Claude Code | environment | `ANTHROPIC_BASE_URL`, `ANTHROPIC_AUTH_TOKEN` (sent as `Authorization: Bearer`) (code.claude.com, llm-gateway and env-vars) |
 * | Codex CLI | `~/.codex/config.toml` | `model_provider` and `[model_providers.<id>]` with `base_url`, `env_key`, `wire_api = "responses"`; `openai`, `ollama` and `lmstudio` are reserved ids (developers.openai.com/codex, config-advanced) |
 * | aider | environment or flags | `OPENAI_API_BASE` + `OPENAI_API_KEY` with `--model openai/<model>` (aider.chat, llms/openai-compat); `ANTHROPIC_API_BASE` + `ANTHROPIC_API_KEY` for Anthropic models (read by LiteLLM, aider's transport) |
 * | OpenAI SDKs | code or environment | `baseURL` / `base_url`, `apiKey`; `OPENAI_BASE_URL`, `OPENAI_API_KEY` |
 * | Anthropic SDKs | code or environment | `baseURL` / `base_url`, `apiKey`; `ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY` |
 *
 * Command-line assistants can also get their variables in VS Code's integrated terminal (opt-in per
 * assistant). Giving Claude Code or Codex a key switches them from a subscription login (Claude
 * Pro/Max, ChatGPT) to API billing on the key behind the gateway: that is why it is opt-in.
 */

import * as l10n from '@vscode/l10n';

export const ASSISTANT_IDS = ['cline', 'roo-code', 'continue', 'claude-code', 'codex', 'aider', 'openai-sdk', 'anthropic-sdk'] as const;
export type AssistantId = (typeof ASSISTANT_IDS)[number];

/** Assistants whose variables can be set in the integrated terminal. */
export const TERMINAL_ASSISTANTS: readonly AssistantId[] = ['claude-code', 'codex', 'aider', 'openai-sdk', 'anthropic-sdk'];

export interface AssistantInfo {
  readonly id: AssistantId;
  readonly label: string;
  readonly detail: string;
  /** Provider kinds it can talk to through the gateway. */
  readonly kinds: readonly ('openai' | 'anthropic')[];
}

/** One assistant; its texts are looked up when read, so they follow the language configured by then. */
function assistant(id: AssistantId, label: () => string, detail: () => string, kinds: AssistantInfo['kinds']): AssistantInfo {
  return { id, get label() { return label(); }, get detail() { return detail(); }, kinds };
}

export const ASSISTANTS: readonly AssistantInfo[] = [
  assistant('cline', () => 'Cline', () => l10n.t('VS Code extension: OpenAI Compatible or Anthropic provider'), ['openai', 'anthropic']),
  assistant('roo-code', () => 'Roo Code', () => l10n.t('VS Code extension: OpenAI Compatible or Anthropic provider'), ['openai', 'anthropic']),
  assistant('continue', () => 'Continue', () => l10n.t('VS Code extension: a model in config.yaml'), ['openai', 'anthropic']),
  assistant('claude-code', () => 'Claude Code', () => l10n.t('Command line: {0} and {1}', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN'), ['anthropic']),
  assistant('codex', () => 'Codex CLI', () => l10n.t('Command line: a model provider in {0}', '~/.codex/config.toml'), ['openai']),
  assistant('aider', () => 'aider', () => l10n.t('Command line: {0} / {1}', 'OPENAI_API_BASE', 'ANTHROPIC_API_BASE'), ['openai', 'anthropic']),
  assistant('openai-sdk', () => l10n.t('Any OpenAI SDK'), () => l10n.t('openai for Node or Python, or any OpenAI-compatible client'), ['openai']),
  assistant('anthropic-sdk', () => l10n.t('Any Anthropic SDK'), () => l10n.t('@anthropic-ai/sdk, anthropic for Python'), ['anthropic']),
];

export interface SetupTarget {
  /** `http://127.0.0.1:<port>` */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly provider: { readonly id: string; readonly kind: 'openai' | 'anthropic'; readonly models: readonly string[] };
}

export interface AssistantSetup {
  readonly title: string;
  /** The whole instruction, Markdown. */
  readonly markdown: string;
  /** What goes on the clipboard first (the value pasted most). */
  readonly copy: string;
  /** What `copy` is, for the message that says it was copied. */
  readonly copyLabel: string;
}

/** The environment variable Codex CLI's provider entry reads the token from. */
export const CODEX_TOKEN_VARIABLE = 'CREDIT_METER_GATEWAY_TOKEN';

function baseUrl(target: SetupTarget): string {
  return `${target.gatewayUrl}/${target.provider.id}`;
}

function model(target: SetupTarget): string {
  return target.provider.models[0] ?? (target.provider.kind === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4.1');
}

export function subscriptionWarning(): string {
  return l10n.t('With these set, the assistant no longer uses a subscription login (Claude Pro/Max, ChatGPT): every request is billed to the API key Credit Meter holds for this provider.');
}

/** The variables a command-line assistant reads, for a terminal or a shell profile; undefined when it has none for this provider. */
export function terminalVariables(assistant: AssistantId, target: SetupTarget): Record<string, string> | undefined {
  const base = baseUrl(target);
  const anthropic = target.provider.kind === 'anthropic';
  switch (assistant) {
    case 'claude-code':
      return anthropic ? { ANTHROPIC_BASE_URL: base, ANTHROPIC_AUTH_TOKEN: target.token } : undefined;
    case 'codex':
      return anthropic ? undefined : { [CODEX_TOKEN_VARIABLE]: target.token };
    case 'aider':
      return anthropic ? { ANTHROPIC_API_BASE: base, ANTHROPIC_API_KEY: target.token } : { OPENAI_API_BASE: base, OPENAI_API_KEY: target.token };
    case 'openai-sdk':
      return anthropic ? undefined : { OPENAI_BASE_URL: base, OPENAI_API_KEY: target.token };
    case 'anthropic-sdk':
      return anthropic ? { ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: target.token } : undefined;
    default:
      return undefined;
  }
}

function exports(variables: Record<string, string>): string {
  return Object.entries(variables).map(([name, value]) => `export ${name}="${value}"`).join('\n');
}

function fence(language: string, text: string): string {
  return `\`\`\`${language}\n${text}\n\`\`\``;
}

/** Everything to paste for one assistant and one provider. */
export function assistantSetup(assistant: AssistantId, target: SetupTarget): AssistantSetup {
  const info = ASSISTANTS.find((candidate) => candidate.id === assistant);
  if (!info) {
    throw new Error(`unknown assistant ${assistant}`);
  }
  if (!info.kinds.includes(target.provider.kind)) {
    throw new Error(l10n.t('{0} cannot use the {1} provider "{2}" through the gateway', info.label, target.provider.kind, target.provider.id));
  }
  const base = baseUrl(target);
  const anthropic = target.provider.kind === 'anthropic';
  const m = model(target);
  const title = l10n.t('Connect {0} to the Credit Meter gateway ({1})', info.label, target.provider.id);
  const footer = [
    '',
    l10n.t('Requests go to {0}, then to the provider "{1}" with the API key Credit Meter keeps in VS Code\'s secret storage; the token above only opens the gateway. {2} replaces it.', `\`${base}\``, target.provider.id, `**${l10n.t('Credit Meter: Rotate Gateway Token')}**`),
    '',
    l10n.t('Each request is estimated, recorded in this workspace\'s usage history (grouped into tasks) and, with {0} on, refused when it would cross a budget.', '`creditMeter.gateway.enforceBudget`'),
  ];
  const lines: string[] = [`# ${title}`, ''];
  let copy = base;
  let copyLabel = l10n.t('the base URL');
  switch (assistant) {
    case 'cline':
    case 'roo-code':
      lines.push(l10n.t('In {0}\'s settings (the gear icon in its panel):', info.label), '');
      if (anthropic) {
        lines.push('- **API Provider**: Anthropic', `- **Anthropic API Key**: \`${target.token}\``, `- **Use custom base URL**: checked, \`${base}\``, `- **Model**: \`${m}\``);
      } else {
        lines.push('- **API Provider**: OpenAI Compatible', `- **Base URL**: \`${base}\``, `- **API Key**: \`${target.token}\``, `- **Model ID**: \`${m}\``);
      }
      break;
    case 'continue': {
      const yaml = [
        'models:',
        `  - name: ${m} (Credit Meter)`,
        `    provider: ${anthropic ? 'anthropic' : 'openai'}`,
        `    model: ${m}`,
        `    apiBase: ${anthropic ? `${base}/v1/` : base}`,
        `    apiKey: ${target.token}`,
      ].join('\n');
      lines.push(l10n.t('Add the model to Continue\'s {0} (Continue: Open Settings, then Configs):', '`config.yaml`'), '', fence('yaml', yaml));
      copy = yaml;
      copyLabel = l10n.t('the {0} entry', 'config.yaml');
      break;
    }
    case 'claude-code': {
      const variables = terminalVariables('claude-code', target) ?? {};
      lines.push(l10n.t('Set these in the shell that starts {0} (or under {1} in {2}; never in a project\'s {3}, which is shared):', '`claude`', '`env`', '`~/.claude/settings.json`', '`.claude/settings.json`'), '', fence('sh', exports(variables)), '', l10n.t('Leave {0} unset. Run {1} in Claude Code to check the base URL.', '`ANTHROPIC_API_KEY`', '`/status`'), '', `> ${subscriptionWarning()}`);
      copy = exports(variables);
      copyLabel = l10n.t('the shell exports');
      break;
    }
    case 'codex': {
      const toml = [
        `model = "${m}"`,
        'model_provider = "credit_meter"',
        '',
        '[model_providers.credit_meter]',
        'name = "Credit Meter gateway"',
        `base_url = "${base}"`,
        `env_key = "${CODEX_TOKEN_VARIABLE}"`,
        'wire_api = "responses"',
      ].join('\n');
      lines.push(l10n.t('Add to {0}:', '`~/.codex/config.toml`'), '', fence('toml', toml), '', l10n.t('and set the token in the shell that starts {0}:', '`codex`'), '', fence('sh', exports({ [CODEX_TOKEN_VARIABLE]: target.token })), '', `> ${subscriptionWarning()}`);
      copy = toml;
      copyLabel = l10n.t('the {0} entry', 'config.toml');
      break;
    }
    case 'aider': {
      const variables = terminalVariables('aider', target) ?? {};
      lines.push(l10n.t('Set these in the shell that starts {0}:', '`aider`'), '', fence('sh', exports(variables)), '', l10n.t('then start it with the model named for the provider:'), '', fence('sh', `aider --model ${anthropic ? 'anthropic' : 'openai'}/${m}`));
      if (!anthropic) {
        lines.push('', l10n.t('Or pass it on the command line: {0}.', `\`aider --openai-api-base ${base} --openai-api-key ${target.token} --model openai/${m}\``));
      }
      copy = exports(variables);
      copyLabel = l10n.t('the shell exports');
      break;
    }
    case 'openai-sdk': {
      const code = [
        'import OpenAI from "openai";',
        '',
        `const client = new OpenAI({ baseURL: "${base}", apiKey: "${target.token}" });`,
        `// Python: OpenAI(base_url="${base}", api_key="${target.token}")`,
      ].join('\n');
      lines.push(l10n.t('In code:'), '', fence('ts', code), '', l10n.t('or through the environment the SDKs read:'), '', fence('sh', exports(terminalVariables('openai-sdk', target) ?? {})));
      copy = code;
      copyLabel = l10n.t('the client code');
      break;
    }
    case 'anthropic-sdk': {
      const code = [
        'import Anthropic from "@anthropic-ai/sdk";',
        '',
        `const client = new Anthropic({ baseURL: "${base}", apiKey: "${target.token}" });`,
        `// Python: Anthropic(base_url="${base}", api_key="${target.token}")`,
      ].join('\n');
      lines.push(l10n.t('In code:'), '', fence('ts', code), '', l10n.t('or through the environment the SDKs read:'), '', fence('sh', exports(terminalVariables('anthropic-sdk', target) ?? {})));
      copy = code;
      copyLabel = l10n.t('the client code');
      break;
    }
    default: {
      const unknown: never = assistant;
      throw new Error(`unknown assistant ${String(unknown)}`);
    }
  }
  if (target.provider.models.length > 1) {
    lines.push('', l10n.t('Models configured for "{0}": {1}.', target.provider.id, target.provider.models.map((name) => `\`${name}\``).join(', ')));
  }
  return { title, markdown: [...lines, ...footer].join('\n') + '\n', copy, copyLabel };
}


