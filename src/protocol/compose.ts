/**
 * Messages between the Compose webview view and the extension, both ways, as zod schemas.
 *
 * The extension owns the draft's context items, the model list, the estimate and the running turn; the
 * view owns the prompt text while the user types (sent once per animation frame with a growing `seq`,
 * so a late estimate for an older text is recognised and dropped). Nothing the view sends is a path
 * or a URL: context items are addressed by the id the extension gave them.
 */
import * as z from 'zod';
import { CONTEXT_KINDS } from '../core/contextKind';

export const COMPOSE_VIEW_ID = 'creditMeter.compose';

/** Request kinds offered in the picker; `auto` classifies from the prompt's wording. */
export const COMPOSE_KINDS = ['auto', 'explain', 'edit', 'fix', 'refactor', 'generate', 'plan', 'other'] as const;
export const ComposeKind = z.enum(COMPOSE_KINDS);
export type ComposeKind = z.infer<typeof ComposeKind>;

/** A prompt larger than this is refused rather than estimated: 4 MB of text is not a prompt. */
export const MAX_PROMPT_CHARS = 4_000_000;

const finite = z.number();
const count = z.number().int().nonnegative();
const shortText = z.string().max(500);
const id = z.string().min(1).max(64);
const requestId = z.string().min(1).max(64);
/** Revision of the prompt text, increasing with every post from the view. */
const seq = z.number().int().nonnegative();

/** A context chip: what is attached, and what it costs. */
export const ContextChip = z.object({
  id,
  kind: z.enum(CONTEXT_KINDS),
  /** `src/a.ts:10-42` for a selection, the workspace-relative path for a file. */
  label: z.string().max(1_000),
  tokens: count.nullable(),
  /** Added from the editor's selection automatically (replaced when the selection changes). */
  auto: z.boolean(),
});
export type ContextChip = z.infer<typeof ContextChip>;

export const ModelOption = z.object({
  /** `<provider id>:<model id>`. */
  ref: z.string().min(1).max(300),
  label: z.string().max(300),
});
export type ModelOption = z.infer<typeof ModelOption>;

/** The parts of the core estimate (`src/core/estimate` `EstimatePart`; a unit test keeps the kinds equal). */
export const ESTIMATE_PART_KINDS = ['system', 'history', 'prompt', 'context', 'tools', 'overhead'] as const;
export const EstimatePartView = z.object({ kind: z.enum(ESTIMATE_PART_KINDS), label: z.string().max(1_000), tokens: count, exact: z.boolean() });
export type EstimatePartView = z.infer<typeof EstimatePartView>;

/** Prompt caching as the estimate predicts it (token counts add up to `inputTokens`); the sentences are worded by the extension. */
export const CacheView = z.object({
  rules: z.enum(['anthropic', 'openai', 'none']),
  read: count,
  written: count,
  fresh: count,
  /** `9.8k tokens cached until 14:32: …`, or that the cache expired. */
  note: z.string().max(500).optional(),
  /** `caching saves ≈ 0.8 cr`. */
  saving: z.string().max(200).optional(),
});
export type CacheView = z.infer<typeof CacheView>;

/** The live estimate as the view shows it. `credits: null` means the model has no price. */
export const EstimateView = z.object({
  credits: z.object({ low: finite, expected: finite, high: finite }).nullable(),
  noPriceReason: z.string().max(1_000).optional(),
  inputTokens: count,
  output: z.object({ p50: count, p90: count }),
  /** Every input count is exact for this model's tokenizer (otherwise calibrated from a proxy). */
  exact: z.boolean(),
  parts: z.array(EstimatePartView).max(1_000),
  /** Input tokens the model reads at most, when known. */
  contextWindow: count.optional(),
  /** `311k tokens: over claude-sonnet-4-5's 200k window` when the request cannot fit. */
  windowWarning: z.string().max(1_000).optional(),
  /** How to make it fit. */
  windowFix: z.string().max(2_000).optional(),
  /** The long-context price tier applies. */
  tierNote: z.string().max(500).optional(),
  dominant: z.string().max(1_000).optional(),
  /** The kind the estimate used (the picked one, or the one classified from the prompt). */
  kind: z.string().max(32),
  /** Earlier turns of the thread resent with this message. */
  historyTurns: count.optional(),
  /** Earlier turns whose texts were not kept, so they are not resent (worded). */
  historyNote: z.string().max(500).optional(),
  cache: CacheView.optional(),
});
export type EstimateView = z.infer<typeof EstimateView>;

export const TipView = z.object({
  id: z.string().max(64),
  title: shortText,
  message: z.string().max(2_000),
  /** Already formatted: `saves ≈ 3,000 tokens, 0.36 cr`. */
  saving: shortText,
  /** A one-click fix offered with the tip, and its button's label. */
  action: z.object({ id: z.enum(['newThreadFromSummary']), label: shortText }).optional(),
});
export type TipView = z.infer<typeof TipView>;

const threadId = z.string().min(1).max(128);

/** A thread in the list: its name and what it cost so far. */
export const ThreadItemView = z.object({
  id: threadId,
  title: z.string().max(300),
  turns: count,
  /** Credits charged for its requests (the ones with a known charge). */
  credits: finite,
  /** Requests without a known charge. */
  uncharged: count,
});
export type ThreadItemView = z.infer<typeof ThreadItemView>;

export const ThreadsView = z.object({
  items: z.array(ThreadItemView).max(10_000),
  /** The thread Compose continues; null when the next message starts a new one. */
  activeId: threadId.nullable(),
});
export type ThreadsView = z.infer<typeof ThreadsView>;

/** One earlier request of the active thread. Texts are null when they were not kept. */
export const ThreadTurnView = z.object({
  turnId: z.string().min(1).max(128),
  prompt: z.string().max(MAX_PROMPT_CHARS).nullable(),
  answer: z.string().max(MAX_PROMPT_CHARS).nullable(),
  status: z.enum(['pending', 'ok', 'error', 'cancelled', 'aborted', 'timeout', 'blocked']),
  estimated: finite.nullable(),
  charged: finite.nullable(),
  /** Code blocks of the answer applied to the editor. */
  appliedBlocks: count,
});
export type ThreadTurnView = z.infer<typeof ThreadTurnView>;

/** The active thread's requests, oldest first. */
export const ConversationView = z.object({
  threadId,
  turns: z.array(ThreadTurnView).max(10_000),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const APPLY_MODES = ['insert', 'replace', 'diff'] as const;
export type ApplyMode = (typeof APPLY_MODES)[number];

export const TurnStatus = z.enum(['running', 'ok', 'error', 'cancelled', 'aborted', 'timeout']);
export type TurnStatus = z.infer<typeof TurnStatus>;

/** The request being answered, or the last one answered. */
export const TurnView = z.object({
  turnId: id,
  status: TurnStatus,
  /** The answer so far (markdown; the view sanitises it). */
  text: z.string().max(MAX_PROMPT_CHARS),
  estimated: z.object({ low: finite, expected: finite, high: finite }).nullable(),
  /** What was charged, once the turn ended; null when unknown (no price, or nothing recorded). */
  charged: finite.nullable(),
  /** `provider` when the provider reported the charge itself, `computed` from usage × price. */
  chargeSource: z.enum(['provider', 'computed', 'estimated']).nullable(),
  error: z.string().max(2_000).optional(),
});
export type TurnView = z.infer<typeof TurnView>;

/** Everything the view shows: sent after `ready` and whenever the view needs a full refresh. */
export const ComposeState = z.object({
  prompt: z.string().max(MAX_PROMPT_CHARS),
  contexts: z.array(ContextChip).max(1_000),
  models: z.array(ModelOption).max(1_000),
  model: z.string().max(300),
  kind: ComposeKind,
  estimate: EstimateView.nullable(),
  tips: z.array(TipView).max(50),
  turn: TurnView.nullable(),
  threads: ThreadsView,
  conversation: ConversationView.nullable(),
});
export type ComposeState = z.infer<typeof ComposeState>;

export const ToWebview = z.discriminatedUnion('type', [
  /** Full state. `restorePrompt: false` keeps the text the user is typing. */
  z.object({ type: z.literal('state'), state: ComposeState, restorePrompt: z.boolean() }),
  /** The estimate for the prompt revision `seq` (0 when caused by a context or model change). */
  z.object({ type: z.literal('estimate'), seq, estimate: EstimateView.nullable(), tips: z.array(TipView).max(50) }),
  z.object({ type: z.literal('contexts'), contexts: z.array(ContextChip).max(1_000) }),
  z.object({ type: z.literal('models'), models: z.array(ModelOption).max(1_000), model: z.string().max(300) }),
  /** Replaces the prompt text (Ask About Selection hands its prompt over). */
  z.object({ type: z.literal('setPrompt'), prompt: z.string().max(MAX_PROMPT_CHARS) }),
  z.object({ type: z.literal('turn'), turn: TurnView }),
  /** Streamed answer text to append to the turn's answer. */
  z.object({ type: z.literal('answerDelta'), turnId: id, text: z.string().max(MAX_PROMPT_CHARS) }),
  z.object({ type: z.literal('reply'), requestId, error: z.string().max(2_000).optional() }),
  /** The thread list changed, or the active thread (its requests, costs, applied blocks). */
  z.object({ type: z.literal('threads'), threads: ThreadsView, conversation: ConversationView.nullable() }),
]);
export type ToWebview = z.infer<typeof ToWebview>;

export const FromWebview = z.discriminatedUnion('type', [
  /** The view is listening; answered with full state. `prompt` is the draft it restored, if any. */
  z.object({ type: z.literal('ready'), prompt: z.string().max(MAX_PROMPT_CHARS).optional() }).strict(),
  z.object({ type: z.literal('draft'), seq, prompt: z.string().max(MAX_PROMPT_CHARS) }).strict(),
  z.object({ type: z.literal('setModel'), model: z.string().min(1).max(300) }).strict(),
  z.object({ type: z.literal('setKind'), kind: ComposeKind }).strict(),
  z.object({ type: z.literal('removeContext'), id }).strict(),
  z.object({ type: z.literal('addActiveFile') }).strict(),
  z.object({ type: z.literal('pickFiles') }).strict(),
  z.object({ type: z.literal('send'), requestId, prompt: z.string().max(MAX_PROMPT_CHARS) }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
  z.object({ type: z.literal('copy'), requestId, text: z.string().max(MAX_PROMPT_CHARS) }).strict(),
  /** The next message starts a new thread. */
  z.object({ type: z.literal('newThread') }).strict(),
  z.object({ type: z.literal('switchThread'), id: threadId }).strict(),
  /** Asks for the new name in the extension (an input box). */
  z.object({ type: z.literal('renameThread'), id: threadId }).strict(),
  /** Asks before deleting. */
  z.object({ type: z.literal('deleteThread'), id: threadId }).strict(),
  /** "New thread from a summary": the extension shows the summary's cost and asks first. */
  z.object({ type: z.literal('summarizeThread') }).strict(),
  /** Applies code block `block` (document order) of a turn's answer to the editor. */
  z.object({ type: z.literal('applyCode'), requestId, turnId: z.string().min(1).max(128), block: count.max(10_000), mode: z.enum(APPLY_MODES) }).strict(),
]);
export type FromWebview = z.infer<typeof FromWebview>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) {
    return { ok: true, message: result.data };
  }
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** A message from the view, or a one-line reason naming the wrong field. */
export function parseFromComposeView(raw: unknown): Parsed<FromWebview> {
  return parseWith(FromWebview, raw);
}

/** A message from the extension, checked by the view before it touches the DOM. */
export function parseToComposeView(raw: unknown): Parsed<ToWebview> {
  return parseWith(ToWebview, raw);
}

/** UI state the view keeps with `setState`: the draft survives hide/show without retaining the webview. */
export const ComposeViewState = z.object({
  prompt: z.string().max(MAX_PROMPT_CHARS),
  /** Answer of the last turn, so it is still visible after the view is shown again. */
  turn: TurnView.nullable(),
});
export type ComposeViewState = z.infer<typeof ComposeViewState>;
