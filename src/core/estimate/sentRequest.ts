/**
 * What is sent for a draft: the one place that turns a system prompt, context items and a prompt into
 * the messages a provider receives. The send path sends `sentRequest(...)`; the estimator counts the
 * very same text through `userMessageParts`, whose parts concatenate to the user message byte for byte.
 *
 * The user message is each context wrapped in a labelled block, blank-line separated, then the prompt:
 *
 *     <context kind="file" label="src/a.ts:10-42">\n…\n</context>\n\n<context …>…</context>\n\n{prompt}
 *
 * Counting it part by part is exact only where a part boundary is also a pre-tokenizer piece boundary
 * in the whole message. The closing `>` is the junction that is not: a punctuation piece takes the
 * newlines after it (and on o200k the `/` of a prompt that starts with one). So the parts are cut just
 * before each closing `>`: a context part ends with the letters of `</context` (a letters piece never
 * takes a `>`), and the next part starts with `>\n\n` (a context part: then `<context`, where a piece
 * always starts, because neither encoding's punctuation piece takes a `<`; the prompt part: then the
 * prompt, counted together with the junction). Every part is then counted on its own and the sum is
 * the count of the whole message.
 */
import type { ContextItem } from './estimateTypes';

/** What a provider adapter is given: one system text (absent when empty) and the messages. */
export interface SentRequest {
  readonly system?: string;
  readonly messages: readonly SentMessage[];
}

export interface SentMessage {
  readonly role: 'user';
  readonly content: string;
}

/** The draft a request is built from. */
export interface DraftRequest {
  /** System texts, sent as one system message joined by blank lines; empty texts are dropped. */
  readonly system: readonly string[];
  readonly prompt: string;
  readonly contexts: readonly Pick<ContextItem, 'kind' | 'label' | 'text'>[];
}

/** A context as it is written into the message (a thread keeps the kind of older turns as plain text). */
export interface SentContext {
  readonly kind: string;
  readonly label: string;
  readonly text: string;
}

/** Between two blocks, and between the last block and the prompt. */
export const BLOCK_SEPARATOR = '\n\n';
/** The junction that starts every part after the first: the closing `>` of the block before, then the separator. */
export const PART_JUNCTION = `>${BLOCK_SEPARATOR}`;

function escapeLabel(label: string): string {
  return label.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** A context block without its closing `>`: `<context kind=… label=…>\n{text}\n</context`. */
export function contextBody(context: SentContext): string {
  return `<context kind="${context.kind}" label="${escapeLabel(context.label)}">\n${context.text}\n</context`;
}

/** The context as sent: the labelled block. */
export function contextBlock(context: SentContext): string {
  return `${contextBody(context)}>`;
}

/** The user message: each context's block, then the prompt, blank-line separated. */
export function userMessage(prompt: string, contexts: DraftRequest['contexts']): string {
  return [...contexts.map(contextBlock), prompt].join(BLOCK_SEPARATOR);
}

/** The system message's text, or '' when there is none. */
export function systemText(system: readonly string[]): string {
  return system.filter((text) => text !== '').join(BLOCK_SEPARATOR);
}

/** The request as sent. */
export function sentRequest(draft: DraftRequest): SentRequest {
  const system = systemText(draft.system);
  return {
    ...(system ? { system } : {}),
    messages: [{ role: 'user', content: userMessage(draft.prompt, draft.contexts) }],
  };
}

/** Messages of the sent request, the system message included: what the message format frames. */
export function messageCount(system: readonly string[]): number {
  return systemText(system) ? 2 : 1;
}

/**
 * The user message cut where counting part by part is exact: `contexts[i]` is the text counted for
 * context i (the junction before it, for i > 0, then its body) and `prompt` the prompt with the
 * junction before it when there are contexts. `[...contexts, prompt].join('')` is the user message.
 */
export function userMessageParts(prompt: string, contexts: readonly SentContext[]): { contexts: string[]; prompt: string; promptLead: string } {
  const promptLead = contexts.length > 0 ? PART_JUNCTION : '';
  return {
    contexts: contexts.map((context, index) => (index === 0 ? '' : PART_JUNCTION) + contextBody(context)),
    prompt: promptLead + prompt,
    promptLead,
  };
}

/**
 * The user message in consecutive parts, one per context then the prompt's, as a conversation keeps
 * it in blocks (`src/core/threads` `buildThreadRequest` takes this): joined they are the message as
 * sent, and each part ends where counting part by part stays exact.
 */
export function messageParts(prompt: string, contexts: readonly SentContext[]): string[] {
  const parts = userMessageParts(prompt, contexts);
  return [...parts.contexts, parts.prompt];
}
