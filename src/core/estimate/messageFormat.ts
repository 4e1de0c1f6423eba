/**
 * Tokens a chat API adds around the messages of a request: one rule per provider message format, in
 * one place. The estimator, the CLI and the raw-request estimator all count framing through here.
 *
 * - `openai` (exact): OpenAI's documented count for its chat models (the "How to count tokens with
 *   tiktoken" cookbook, `num_tokens_from_messages`): every message costs 3 framing tokens
 *   (`<|start|>`, the role/content separator, `<|end|>`) plus its role name (1 token for `system`,
 *   `user` or `assistant` on cl100k and o200k), and the reply is primed with 3 more
 *   (`<|start|>assistant<|message|>`). Used for every model that is not Claude: OpenAI models and the
 *   ChatML-style templates of open models.
 * - `anthropic` (approximate): Anthropic does not document its framing. Its token-counting guide's
 *   example (system "You are a scientist", one user message "Hello, Claude") reports 14 input tokens,
 *   about 5 more than the two texts alone; we take 2 per message and 1 to open the reply. These are
 *   the provider's own tokens, so they are never scaled by a calibration factor.
 */
import { tokenizerForModel } from '../tokens';

export type MessageFormatName = 'openai' | 'anthropic';

export interface MessageFormat {
  readonly name: MessageFormatName;
  /** Framing tokens of every message (role header and end marker). */
  readonly perMessage: number;
  /** Tokens of the role name itself. */
  readonly perRole: number;
  /** Tokens that open the reply. */
  readonly replyPriming: number;
  /** True when the provider documents the rule, so a count with it is exact on an exact encoding. */
  readonly exact: boolean;
}

export const MESSAGE_FORMATS: Readonly<Record<MessageFormatName, MessageFormat>> = {
  openai: { name: 'openai', perMessage: 3, perRole: 1, replyPriming: 3, exact: true },
  anthropic: { name: 'anthropic', perMessage: 2, perRole: 0, replyPriming: 1, exact: false },
};

/** The message format a model is framed with: Claude models Anthropic's, every other model OpenAI's. */
export function messageFormatFor(modelId: string): MessageFormat {
  return tokenizerForModel(modelId).family === 'anthropic' ? MESSAGE_FORMATS.anthropic : MESSAGE_FORMATS.openai;
}

/** Framing tokens of a request with `messages` messages (the system message counts as one). */
export function messageOverhead(format: MessageFormat, messages: number): number {
  return messages * (format.perMessage + format.perRole) + format.replyPriming;
}
