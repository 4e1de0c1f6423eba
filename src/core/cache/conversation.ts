/**
 * A chat request as a list of text blocks: what the thread builder produces, what the breakpoint
 * policy marks, and what a provider dialect sends (Anthropic as content blocks with `cache_control`,
 * OpenAI-compatible as one string per message: the blocks joined, byte for byte).
 */
import type { CacheTtl } from './cacheTypes';

/** What a block holds, so a policy can tell the stable parts from the moving ones. */
export type TextBlockKind = 'system' | 'context' | 'prompt' | 'answer';

export interface TextBlock {
  readonly text: string;
  readonly kind: TextBlockKind;
  /** A context's label (`src/a.ts:10-40`), for explanations. */
  readonly label?: string;
  /** A cache breakpoint on this block (Anthropic `cache_control`). */
  readonly cache?: CacheTtl;
}

export interface ConversationMessage {
  readonly role: 'user' | 'assistant';
  /** The blocks' texts joined without a separator: what a provider without blocks receives. */
  readonly content: string;
  readonly blocks: readonly TextBlock[];
}

export interface ConversationRequest {
  /** The system prompt as blocks; empty for none. */
  readonly system: readonly TextBlock[];
  /** Earlier turns first, the new user message last. */
  readonly messages: readonly ConversationMessage[];
}

export function conversationMessage(role: ConversationMessage['role'], blocks: readonly TextBlock[]): ConversationMessage {
  return { role, content: blocks.map((block) => block.text).join(''), blocks };
}

/** The system prompt's text: the blocks joined, as `content` is for a message. */
export function systemText(request: ConversationRequest): string {
  return request.system.map((block) => block.text).join('');
}
