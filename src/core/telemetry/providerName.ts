/**
 * `gen_ai.provider.name` for a record: the conventions' well-known value when the host says which
 * service answered (an OpenAI-compatible adapter may be talking to DeepSeek or Groq), else the
 * adapter's own dialect (`openai`, `anthropic`), with `server.address` telling the rest.
 */
const WELL_KNOWN_HOSTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/(^|\.)openai\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)api\.anthropic\.com$/, 'anthropic'],
  [/(^|\.)api\.deepseek\.com$/, 'deepseek'],
  [/(^|\.)api\.groq\.com$/, 'groq'],
  [/(^|\.)api\.x\.ai$/, 'x_ai'],
  [/(^|\.)api\.mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)api\.perplexity\.ai$/, 'perplexity'],
  [/(^|\.)generativelanguage\.googleapis\.com$/, 'gcp.gemini'],
  [/(^|\.)aiplatform\.googleapis\.com$/, 'gcp.vertex_ai'],
  [/(^|\.)bedrock-runtime\.[a-z0-9-]+\.amazonaws\.com$/, 'aws.bedrock'],
  [/(^|\.)api\.cohere\.(ai|com)$/, 'cohere'],
];

export function providerNameOf(adapter: string, host: string | null): string {
  const hostname = host === null ? null : splitHost(host).hostname.toLowerCase();
  if (hostname !== null) {
    for (const [pattern, name] of WELL_KNOWN_HOSTS) {
      if (pattern.test(hostname)) {
        return name;
      }
    }
  }
  // A custom value is allowed; keep it in the conventions' lower_snake style (`vscode-lm` -> `vscode_lm`).
  return adapter.toLowerCase().replace(/[^a-z0-9_.]/g, '_');
}

/** `example.com:8443` -> { hostname: 'example.com', port: 8443 }; `[::1]:11434` keeps its brackets off. */
export function splitHost(host: string): { hostname: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    return bracketed[2] ? { hostname: bracketed[1], port: Number(bracketed[2]) } : { hostname: bracketed[1] };
  }
  const plain = /^([^:]+):(\d+)$/.exec(host);
  return plain ? { hostname: plain[1], port: Number(plain[2]) } : { hostname: host };
}
