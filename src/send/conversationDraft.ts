/**
 * A draft that continues a conversation: the earlier turns of its thread are resent before the new
 * message, and the thread's prompt-cache state says what the provider still holds. The request is
 * built once, by the core (`buildThreadRequest` with the estimator's "what is sent" parts) and the
 * provider's request builder (`conversationSend`), for the estimate and for the send alike. No
 * `vscode` here.
 */
import type { BlockCounting } from '../core/cache';
import { messageParts } from '../core/estimate/sentRequest';
import { type ResentHistory, type Thread, buildThreadRequest } from '../core/threads';
import { type CacheDialect, type ConversationSend, conversationSend } from '../providers/conversationRequest';
import type { DraftContext } from './turnTypes';

/** The conversation a draft belongs to. */
export interface DraftConversation {
  /** The thread whose earlier turns are resent, and whose cache state applies; undefined for a first message. */
  readonly thread: Thread | undefined;
  /** The thread the request is recorded under: the same one, except for a new thread started from a summary. */
  readonly threadId: string | undefined;
  /** How the model's provider caches prompts: its wire format. */
  readonly dialect: CacheDialect;
}

/** The cache dialect of the provider a model reference names (`vscode-lm` and unknown providers: none). */
export function cacheDialectFor(providers: readonly { readonly id: string; readonly kind: string }[], modelRef: string): CacheDialect {
  const providerId = modelRef.slice(0, Math.max(0, modelRef.indexOf(':')));
  return cacheDialectOf(providers.find((provider) => provider.id === providerId)?.kind ?? 'none');
}

/** The cache dialect of a configured provider kind. */
export function cacheDialectOf(kind: string): CacheDialect {
  return kind === 'anthropic' ? 'anthropic' : kind === 'openai' ? 'openai' : 'none';
}

/** Stands for the prompt while the estimate's request is built once per history and context change; per keystroke only its size changes. */
export const PLACEHOLDER_PROMPT = '…';

export interface ConversationRequest {
  readonly send: ConversationSend;
  readonly history: ResentHistory;
}

/** The request of `prompt` with `contexts` in the conversation, as sent, with its cache request. */
export function conversationRequest(
  conversation: DraftConversation,
  model: string,
  system: string,
  prompt: string,
  contexts: readonly DraftContext[],
  counting: BlockCounting,
  options: { readonly ignoreMinimum?: boolean } = {},
): ConversationRequest {
  const { request, history } = buildThreadRequest(conversation.thread, { prompt, contexts }, { system, userMessageParts: messageParts });
  return { send: conversationSend(conversation.dialect, model, request, { counting, ...(options.ignoreMinimum ? { ignoreMinimum: true } : {}) }), history };
}

/** Tokens the prompt's part counts for in the request's last block (the junction after the contexts included). */
export function promptPartTokens(prompt: string, contexts: readonly DraftContext[], counting: BlockCounting): number {
  const parts = messageParts(prompt, contexts);
  return counting.countTokens(parts[parts.length - 1]);
}
