/**
 * Which assistant sent a request, from its HTTP headers: the name recorded as a usage record's
 * `client`, and a label to show. The User-Agent decides first (an app's own name beats the SDK it is
 * built on), then the `X-Title` header OpenRouter-style apps send, then the SDK's own token, and
 * last the User-Agent's first product token as it is.
 *
 * | sent by | User-Agent (or header) | client |
 * | --- | --- | --- |
 * | Claude Code | `claude-cli/1.0.83 (external, cli)` | `claude-cli` |
 * | Roo Code | `RooCode/3.25.0`, or `X-Title: Roo Code` | `Roo-Code` |
 * | Cline | `Cline/3.20.0`, or `X-Title: Cline` | `Cline` |
 * | Continue | `Continue/1.0.0` | `Continue` |
 * | Codex CLI | `codex_cli_rs/0.31.0 (Linux 6.8; x86_64)` | `Codex` |
 * | aider | `aider/0.86` (when it says so) | `aider` |
 * | LiteLLM (aider's transport, and proxies) | `litellm/1.74.0` | `litellm` |
 * | OpenAI SDKs | `OpenAI/JS 6.49.0`, `OpenAI/Python 1.99.0` | `openai-node`, `openai-python` |
 * | Anthropic SDKs | `Anthropic/JS 1.14.0`, `Anthropic/Python 0.64.0` | `anthropic-sdk-js`, `anthropic-sdk-python` |
 * | anything else | `curl/8.5.0` | `curl` (the first product token) |
 * | no User-Agent | | `unknown` |
 *
 * Session headers some assistants send (`X-Claude-Code-Session-Id`, Cline's `X-Task-Id`) keep two
 * sessions of the same assistant apart when requests are grouped into tasks.
 */

export interface KnownClient {
  /** Matched against the User-Agent. */
  readonly userAgent: RegExp;
  /** Matched against the `X-Title` header, when the app sends one. */
  readonly title?: RegExp;
  /** What the usage record's `client` says. */
  readonly name: string;
  /** What the status bar and the history view show. */
  readonly label: string;
}

/** Apps first, SDKs last: an app built on an SDK is named for the app. */
export const KNOWN_CLIENTS: readonly KnownClient[] = [
  { userAgent: /^claude-cli\//i, name: 'claude-cli', label: 'Claude Code' },
  { userAgent: /\bRoo-?Code\//i, title: /^Roo Code$/i, name: 'Roo-Code', label: 'Roo Code' },
  { userAgent: /\bCline\//i, title: /^Cline$/i, name: 'Cline', label: 'Cline' },
  { userAgent: /\bContinue\//i, title: /^Continue$/i, name: 'Continue', label: 'Continue' },
  { userAgent: /^codex_(?:cli_rs|exec|vscode)\//i, name: 'Codex', label: 'Codex CLI' },
  { userAgent: /\baider\//i, title: /^aider$/i, name: 'aider', label: 'aider' },
  { userAgent: /\blitellm\//i, name: 'litellm', label: 'LiteLLM' },
  { userAgent: /^OpenAI\/JS\b/, name: 'openai-node', label: 'OpenAI SDK (Node)' },
  { userAgent: /^OpenAI\/Python\b/, name: 'openai-python', label: 'OpenAI SDK (Python)' },
  { userAgent: /^Anthropic\/JS\b/, name: 'anthropic-sdk-js', label: 'Anthropic SDK (Node)' },
  { userAgent: /^Anthropic\/Python\b/, name: 'anthropic-sdk-python', label: 'Anthropic SDK (Python)' },
];

export const UNKNOWN_CLIENT = 'unknown';

/** The headers client detection reads; names lower-cased. */
export interface ClientHeaders {
  readonly 'user-agent'?: string;
  readonly 'x-title'?: string;
  readonly 'x-claude-code-session-id'?: string;
  readonly 'x-task-id'?: string;
}

export interface ClientIdentity {
  /** Recorded as the usage record's `client`. */
  readonly name: string;
  readonly label: string;
  /** The assistant's own session id, when it sends one; tasks never span two sessions. */
  readonly session: string | undefined;
}

const MAX_NAME = 64;

export function identifyClient(headers: ClientHeaders): ClientIdentity {
  const userAgent = (headers['user-agent'] ?? '').trim();
  const title = (headers['x-title'] ?? '').trim();
  const session = sessionOf(headers);
  const byAgent = userAgent === '' ? undefined : KNOWN_CLIENTS.find((client) => client.userAgent.test(userAgent));
  // An app's title outranks the SDK token of the library it is built on.
  const byTitle = title === '' ? undefined : KNOWN_CLIENTS.find((client) => client.title?.test(title));
  const isSdk = (client: KnownClient | undefined) => client !== undefined && KNOWN_CLIENTS.indexOf(client) >= KNOWN_CLIENTS.findIndex((c) => c.name === 'litellm');
  const known = byTitle && (byAgent === undefined || isSdk(byAgent)) ? byTitle : byAgent;
  if (known) {
    return { name: known.name, label: known.label, session };
  }
  const product = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(userAgent)?.[0]?.slice(0, MAX_NAME);
  const name = product ?? UNKNOWN_CLIENT;
  return { name, label: name, session };
}

/** The label of a recorded client name (the name itself for clients not in the table). */
export function clientLabel(name: string): string {
  return KNOWN_CLIENTS.find((client) => client.name === name)?.label ?? name;
}

function sessionOf(headers: ClientHeaders): string | undefined {
  const value = (headers['x-claude-code-session-id'] ?? headers['x-task-id'] ?? '').trim();
  return value === '' ? undefined : value.slice(0, 128);
}
