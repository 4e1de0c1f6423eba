/**
 * The messages a follow-up sends: the thread's earlier turns become the request's history (each user
 * message rebuilt from its stored prompt and context texts, then the answer), and the new user
 * message comes last. The history is built the same way every time, so the resent prefix is
 * byte-stable (OpenAI's automatic cache) and its blocks are where Anthropic's breakpoints go.
 *
 * How a user message is written (context blocks, then the prompt) is the estimator's "what is sent"
 * format, passed in as `userMessageParts`, so this module never holds a second copy of it.
 */
import { type ConversationMessage, type ConversationRequest, type TextBlock, conversationMessage } from '../cache';
import type { Thread } from './threadStore';
import type { ThreadTurn } from './threadFormat';

export interface ContextText {
  readonly kind: string;
  readonly label: string;
  readonly text: string;
}

/**
 * The user message of a prompt and its contexts, in consecutive parts: one per context, in order,
 * then the prompt's part. Joined without a separator the parts are the message exactly as sent.
 */
export type UserMessageParts = (prompt: string, contexts: readonly ContextText[]) => readonly string[];

export interface NextMessage {
  readonly prompt: string;
  readonly contexts: readonly ContextText[];
}

export interface ThreadRequestOptions {
  /** The system prompt as sent ('' for none). */
  readonly system: string;
  readonly userMessageParts: UserMessageParts;
}

/** The history part of the request, for the estimate's "resent history" line. */
export interface ResentHistory {
  /** Earlier turns resent. */
  readonly turns: number;
  readonly messages: number;
  /** The history's texts in the order sent (count them to price the part). */
  readonly texts: readonly string[];
  /** Answered turns whose texts were not kept (`storePrompts` off, then a reload): not resent. */
  readonly missingTurns: readonly string[];
}

export interface ThreadRequest {
  readonly request: ConversationRequest;
  readonly history: ResentHistory;
}

/** Whether a turn is part of the resent history: answered turns are; failed or pending ones are not. */
export function turnInHistory(turn: ThreadTurn): 'resend' | 'skip' | 'missing' {
  if (turn.status !== 'ok' || turn.answer === '') {
    return 'skip';
  }
  if (turn.prompt === null || turn.answer === null || turn.contexts.some((context) => context.text === null)) {
    return 'missing';
  }
  return 'resend';
}

export function userBlocks(prompt: string, contexts: readonly ContextText[], parts: UserMessageParts): TextBlock[] {
  const texts = parts(prompt, contexts);
  if (texts.length !== contexts.length + 1) {
    throw new RangeError(`userMessageParts returned ${texts.length} parts for ${contexts.length} contexts and a prompt`);
  }
  return texts.map((text, index) => index < contexts.length
    ? { text, kind: 'context', label: contexts[index].label }
    : { text, kind: 'prompt' });
}

/** The request for `next` in `thread` (or a first message without one). */
export function buildThreadRequest(thread: Thread | undefined, next: NextMessage, options: ThreadRequestOptions): ThreadRequest {
  const messages: ConversationMessage[] = [];
  const texts: string[] = [];
  const missingTurns: string[] = [];
  let turns = 0;
  for (const turn of thread?.turns ?? []) {
    const use = turnInHistory(turn);
    if (use === 'missing') {
      missingTurns.push(turn.turnId);
    }
    if (use !== 'resend') {
      continue;
    }
    const contexts = turn.contexts.map((context) => ({ kind: context.kind, label: context.label, text: context.text ?? '' }));
    const user = conversationMessage('user', userBlocks(turn.prompt ?? '', contexts, options.userMessageParts));
    const assistant = conversationMessage('assistant', [{ text: turn.answer ?? '', kind: 'answer' }]);
    messages.push(user, assistant);
    texts.push(...user.blocks.map((block) => block.text), assistant.content);
    turns++;
  }
  const history: ResentHistory = { turns, messages: messages.length, texts, missingTurns };
  messages.push(conversationMessage('user', userBlocks(next.prompt, next.contexts, options.userMessageParts)));
  const system: TextBlock[] = options.system ? [{ text: options.system, kind: 'system' }] : [];
  return { request: { system, messages }, history };
}
