import type { TokenUsage } from '../usage';
import type { RecordTokens } from './usageRecord';

/** The ledger's token fields from the shared `TokenUsage`, plus the system / tool-definition parts of the input. */
export function recordTokensFromUsage(usage: TokenUsage, parts: { system?: number; tools?: number } = {}): RecordTokens {
  return {
    input: usage.inputTokens,
    cacheRead: usage.cacheReadTokens,
    cacheWrite: usage.cacheWriteTokens,
    output: usage.outputTokens,
    reasoning: usage.reasoningTokens,
    system: parts.system ?? 0,
    tools: parts.tools ?? 0,
  };
}
