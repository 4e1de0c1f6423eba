/**
 * Tokens a chat API adds around the messages, following OpenAI's documented count for its chat models
 * (the "How to count tokens with tiktoken" cookbook, `num_tokens_from_messages`): every message costs
 * 3 framing tokens (`<|start|>`, the role/content separator, `<|end|>`) plus its role name (1 token for
 * `system` / `user`), and the reply is primed with 3 more (`<|start|>assistant<|message|>`).
 * Other providers frame messages differently; for them this is scaled like any proxy count.
 */
export const TOKENS_PER_MESSAGE = 3;
export const ROLE_TOKENS = 1;
export const REPLY_PRIMING_TOKENS = 3;

export function messageOverhead(messages: number): number {
  return messages * (TOKENS_PER_MESSAGE + ROLE_TOKENS) + REPLY_PRIMING_TOKENS;
}
