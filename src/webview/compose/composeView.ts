import { parseMarkdown } from '../../core/markdown';
import {
  type ApplyMode,
  COMPOSE_KINDS,
  type ComposeKind,
  type ComposeState,
  type ContextChip,
  type ConversationView,
  type EstimateView,
  type FromWebview,
  type ModelOption,
  type ThreadsView,
  type TipView,
  type ToWebview,
  type TurnView,
} from '../../protocol/compose';
import { h, replaceChildren } from './dom';
import { STATUS_LABELS, chargeSummary, estimateHeadline, formatTokens } from './format';
import { type CodeActions, renderBlocks } from './renderMarkdown';
import { viewText } from './text';

export interface ComposeHost {
  post(message: FromWebview): void;
  /** Saves the UI state (the draft prompt, the last answer) so it survives hide/show. */
  save(prompt: string, turn: TurnView | null): void;
}

const KIND_LABELS: Record<ComposeKind, string> = {
  auto: 'Auto',
  explain: 'Explain',
  edit: 'Edit',
  fix: 'Fix',
  refactor: 'Refactor',
  generate: 'Generate',
  plan: 'Plan',
  other: 'Other',
};

/** The Compose view: builds its DOM once, then applies the extension's messages to it. */
export class ComposeView {
  private readonly prompt: HTMLTextAreaElement;
  private readonly chips = h('ul', { class: 'chips', 'aria-label': 'Context sent with the prompt' });
  private readonly model = h('select', { 'aria-label': 'Model', class: 'model' });
  private readonly kind = h('select', { 'aria-label': 'Request kind', class: 'kind' });
  private readonly send = h('button', { type: 'button', class: 'primary send', title: 'Send (Ctrl+Enter)' }, 'Send');
  private readonly stop = h('button', { type: 'button', class: 'secondary stop', title: 'Stop the answer' }, 'Stop');
  private readonly estimate = h('section', { class: 'estimate', 'aria-label': 'Estimate' });
  /** What a screen reader announces: the headline only, once typing pauses, not every frame's table. */
  private readonly announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly tips = h('section', { class: 'tips', 'aria-label': 'Ways to cut the cost' });
  private readonly answer = h('section', { class: 'answer', 'aria-label': 'Answer', hidden: true });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly threadSelect = h('select', { class: 'thread-select', 'aria-label': viewText.threadsLabel });
  private readonly renameThread = h('button', { type: 'button', class: 'link rename-thread', title: viewText.renameTitle }, viewText.rename);
  private readonly deleteThread = h('button', { type: 'button', class: 'link delete-thread', title: viewText.deleteTitle }, viewText.delete);
  private readonly threadCost = h('p', { class: 'thread-cost muted' });
  private readonly conversation = h('section', { class: 'conversation', 'aria-label': viewText.conversation });
  private threads: ThreadsView = { items: [], activeId: null };
  private thread: ConversationView | null = null;
  /** Until there is an answer to show: a link to the Getting Started walkthrough (a command link the view allows). */
  private readonly gettingStarted = h('p', { class: 'empty-state getting-started' }, viewText.newHere,
    h('a', { href: 'command:creditMeter.openWalkthrough', title: viewText.gettingStartedTitle }, viewText.gettingStarted),
    viewText.gettingStartedSteps);

  private seq = 0;
  private appliedSeq = 0;
  private frame = 0;
  private requests = 0;
  private turn: TurnView | null = null;
  private answerFrame = 0;
  /** Requests waiting for the extension's reply (copy, apply), by request id. */
  private readonly pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(root: HTMLElement, private readonly host: ComposeHost, restoredPrompt: string, restoredTurn: TurnView | null) {
    this.prompt = h('textarea', {
      class: 'prompt',
      rows: '5',
      'aria-label': 'Prompt',
      placeholder: 'Ask about your code. Ctrl+Enter sends.',
      spellcheck: 'true',
    });
    this.prompt.value = restoredPrompt;
    this.turn = restoredTurn;
    for (const kind of COMPOSE_KINDS) {
      this.kind.append(h('option', { value: kind }, KIND_LABELS[kind]));
    }
    const addActive = h('button', { type: 'button', class: 'link', title: 'Attach the file open in the editor' }, '+ Active file');
    const pick = h('button', { type: 'button', class: 'link', title: 'Pick files from the workspace' }, '+ Files…');
    addActive.addEventListener('click', () => this.host.post({ type: 'addActiveFile' }));
    pick.addEventListener('click', () => this.host.post({ type: 'pickFiles' }));

    const newThread = h('button', { type: 'button', class: 'link new-thread', title: viewText.newThreadTitle }, viewText.newThread);
    newThread.addEventListener('click', () => this.host.post({ type: 'newThread' }));
    this.renameThread.addEventListener('click', () => {
      if (this.threads.activeId) {
        this.host.post({ type: 'renameThread', id: this.threads.activeId });
      }
    });
    this.deleteThread.addEventListener('click', () => {
      if (this.threads.activeId) {
        this.host.post({ type: 'deleteThread', id: this.threads.activeId });
      }
    });
    this.threadSelect.addEventListener('change', () => {
      const id = this.threadSelect.value;
      this.host.post(id ? { type: 'switchThread', id } : { type: 'newThread' });
    });

    root.append(
      h('div', { class: 'threads' },
        h('div', { class: 'thread-bar' }, this.threadSelect, newThread, this.renameThread, this.deleteThread),
        this.threadCost),
      this.conversation,
      this.answer,
      h('div', { class: 'context' }, this.chips, h('div', { class: 'context-actions' }, addActive, pick)),
      this.prompt,
      h('div', { class: 'controls' }, this.model, this.kind, h('span', { class: 'spacer' }), this.stop, this.send),
      this.error,
      this.estimate,
      this.announcer,
      this.tips,
    );
    this.renderThreads(this.threads, null);
    this.stop.hidden = true;
    root.append(this.gettingStarted);

    this.prompt.addEventListener('input', () => this.schedulePromptPost());
    this.prompt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.submit();
      }
    });
    this.send.addEventListener('click', () => this.submit());
    this.stop.addEventListener('click', () => this.host.post({ type: 'stop' }));
    this.model.addEventListener('change', () => this.host.post({ type: 'setModel', model: this.model.value }));
    this.kind.addEventListener('change', () => this.host.post({ type: 'setKind', kind: this.kind.value as ComposeKind }));
    this.renderTurn();
  }

  get promptText(): string {
    return this.prompt.value;
  }

  focus(): void {
    this.prompt.focus();
  }

  apply(message: ToWebview): void {
    switch (message.type) {
      case 'state':
        this.applyState(message.state, message.restorePrompt);
        break;
      case 'estimate':
        if (message.seq === 0 || message.seq >= this.appliedSeq) {
          this.appliedSeq = Math.max(this.appliedSeq, message.seq);
          this.renderEstimate(message.estimate);
          this.renderTips(message.tips);
        }
        break;
      case 'contexts':
        this.renderChips(message.contexts);
        break;
      case 'models':
        this.renderModels(message.models, message.model);
        break;
      case 'setPrompt':
        this.prompt.value = message.prompt;
        this.schedulePromptPost();
        this.prompt.focus();
        break;
      case 'turn':
        this.turn = message.turn;
        this.renderTurn();
        this.renderConversation();
        this.host.save(this.prompt.value, this.turn);
        break;
      case 'answerDelta':
        if (this.turn && this.turn.turnId === message.turnId) {
          this.turn = { ...this.turn, text: this.turn.text + message.text };
          this.scheduleAnswerRender();
        }
        break;
      case 'threads':
        this.renderThreads(message.threads, message.conversation);
        this.renderTurn();
        break;
      case 'reply': {
        const pending = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        if (message.error) {
          pending?.reject(new Error(message.error));
          this.showError(message.error);
        } else {
          pending?.resolve();
        }
        break;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private applyState(state: ComposeState, restorePrompt: boolean): void {
    if (restorePrompt) {
      this.prompt.value = state.prompt;
    }
    this.renderChips(state.contexts);
    this.renderModels(state.models, state.model);
    this.kind.value = state.kind;
    this.renderEstimate(state.estimate);
    this.renderTips(state.tips);
    // A restored answer (from setState) is kept unless the extension knows a newer turn, or the thread changed.
    if (state.turn) {
      this.turn = state.turn;
    } else if (this.turn && state.threads.activeId !== this.threads.activeId) {
      this.turn = null;
    }
    this.renderThreads(state.threads, state.conversation);
    this.renderTurn();
  }

  /** The thread picker, the active thread's cost, and its earlier messages. */
  private renderThreads(threads: ThreadsView, conversation: ConversationView | null): void {
    this.threads = threads;
    this.thread = conversation;
    const options = [h('option', { value: '', selected: threads.activeId === null }, viewText.newThreadOption)];
    for (const item of threads.items) {
      options.push(h('option', { value: item.id, selected: item.id === threads.activeId }, viewText.threadOption(item.title, item.turns, item.credits)));
    }
    replaceChildren(this.threadSelect, ...options);
    this.threadSelect.value = threads.activeId ?? '';
    const active = threads.items.find((item) => item.id === threads.activeId);
    this.renameThread.hidden = !active;
    this.deleteThread.hidden = !active;
    this.threadCost.textContent = active ? viewText.threadCost(active.turns, active.credits, active.uncharged) : viewText.noThread;
    this.renderConversation();
  }

  /** The earlier messages of the active thread (the one on show in the answer section left out). */
  private renderConversation(): void {
    const turns = (this.thread?.turns ?? []).filter((turn) => turn.turnId !== this.turn?.turnId);
    this.conversation.hidden = turns.length === 0;
    replaceChildren(this.conversation, ...turns.map((turn) => {
      const actions: CodeActions = { copy: (text) => this.copy(text), apply: (index, mode) => this.applyCode(turn.turnId, index, mode) };
      return h('article', { class: `past-turn ${turn.status}`, 'data-turn': turn.turnId },
        h('div', { class: 'past-prompt' }, h('span', { class: 'who' }, viewText.you), ' ', turn.prompt ?? viewText.promptNotKept),
        h('div', { class: 'markdown past-answer' }, turn.answer === null ? h('p', { class: 'muted' }, viewText.answerNotKept) : renderBlocks(parseMarkdown(turn.answer), actions)),
        h('p', { class: 'past-charge muted' }, viewText.pastCharge(turn.estimated, turn.charged, turn.appliedBlocks)));
    }));
  }

  /** Posts the prompt at most once per animation frame: typing never waits for the extension. */
  private schedulePromptPost(): void {
    if (this.frame !== 0) {
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.seq += 1;
      this.host.post({ type: 'draft', seq: this.seq, prompt: this.prompt.value });
      this.host.save(this.prompt.value, this.turn);
    });
  }

  private submit(): void {
    if (this.turn?.status === 'running') {
      return;
    }
    if (this.prompt.value.trim() === '') {
      this.showError('Write a prompt first.');
      return;
    }
    this.showError(undefined);
    this.requests += 1;
    this.host.post({ type: 'send', requestId: `send-${this.requests}`, prompt: this.prompt.value });
  }

  copy(text: string): Promise<void> {
    this.requests += 1;
    const requestId = `copy-${this.requests}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.host.post({ type: 'copy', requestId, text });
    });
  }

  /** Applies code block `block` of a turn's answer to the editor (the extension finds the block by its number). */
  private applyCode(turnId: string, block: number, mode: ApplyMode): Promise<void> {
    this.requests += 1;
    const requestId = `apply-${this.requests}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.host.post({ type: 'applyCode', requestId, turnId, block, mode });
    });
  }

  private showError(text: string | undefined): void {
    this.error.hidden = text === undefined;
    this.error.textContent = text ?? '';
  }

  private renderChips(contexts: readonly ContextChip[]): void {
    const items = contexts.map((chip) => {
      const remove = h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${chip.label}`, title: 'Remove' }, '×');
      remove.addEventListener('click', () => this.host.post({ type: 'removeContext', id: chip.id }));
      const tokens = chip.tokens === null ? '' : formatTokens(chip.tokens);
      return h('li', { class: `chip ${chip.kind}`, title: chip.auto ? 'The editor selection, attached automatically' : chip.label },
        h('span', { class: 'chip-label' }, chip.label),
        tokens ? h('span', { class: 'chip-tokens' }, tokens) : null,
        remove);
    });
    replaceChildren(this.chips, ...items);
    this.chips.hidden = items.length === 0;
  }

  private renderModels(models: readonly ModelOption[], selected: string): void {
    const options = models.map((model) => h('option', { value: model.ref, selected: model.ref === selected }, model.label));
    if (!models.some((model) => model.ref === selected) && selected) {
      options.unshift(h('option', { value: selected, selected: true }, selected));
    }
    replaceChildren(this.model, ...options);
    this.model.value = selected;
  }

  private renderEstimate(estimate: EstimateView | null): void {
    if (!estimate) {
      replaceChildren(this.estimate, h('p', { class: 'muted' }, 'Type a prompt to see what it will cost.'));
      return;
    }
    const headline = estimateHeadline(estimate);
    this.announce(`Estimate ${headline.main}, range ${headline.range}`);
    const marker = estimate.exact ? 'exact' : 'calibrated';
    const markerTitle = estimate.exact ? 'Token counts are exact for this model' : 'Token counts come from a proxy tokenizer, calibrated for this model';
    const summary = h('div', { class: 'estimate-summary' },
      h('span', { class: `credits${estimate.credits ? '' : ' no-price'}` }, headline.main),
      h('span', { class: 'range' }, headline.range),
      h('span', { class: `marker ${marker}`, title: markerTitle }, marker),
      h('span', { class: 'kind-used', title: 'Request kind used for the answer length' }, estimate.kind));
    const rows = estimate.parts.map((part) => {
      const label = part.kind === 'history' ? viewText.history(estimate.historyTurns ?? 0) : part.label;
      return h('tr', { class: `${part.kind}${part.label === estimate.dominant ? ' dominant' : ''}` },
        h('th', { scope: 'row', title: label }, label),
        h('td', {}, formatTokens(part.tokens)),
        h('td', { class: 'muted' }, part.exact ? 'exact' : '≈'));
    });
    rows.push(h('tr', { class: 'output' },
      h('th', { scope: 'row' }, 'answer'),
      h('td', {}, `${formatTokens(estimate.output.p50)}–${formatTokens(estimate.output.p90)}`),
      h('td', { class: 'muted' }, 'p50–p90')));
    const table = h('table', { class: 'parts' },
      h('caption', { class: 'visually-hidden' }, 'Tokens by part'),
      h('tbody', {}, ...rows));
    const children: Node[] = [summary];
    if (estimate.windowWarning) {
      children.push(h('p', { class: 'window-warning', role: 'alert', title: estimate.windowFix ?? '' },
        h('strong', {}, estimate.windowWarning), ` — the provider will refuse it as it is. ${estimate.windowFix ?? ''}`));
    }
    if (!estimate.credits && estimate.noPriceReason) {
      children.push(h('p', { class: 'muted' }, estimate.noPriceReason));
    }
    children.push(table);
    const cache = estimate.cache;
    if (cache) {
      children.push(h('div', { class: `cache-note ${cache.rules}` },
        h('div', {}, h('strong', {}, viewText.cacheHeading), ' ', viewText.cacheSplit(cache.read, cache.written, cache.fresh), cache.saving ? h('span', { class: 'muted' }, ` · ${cache.saving}`) : null),
        cache.note ? h('div', { class: 'cache-when' }, cache.note) : null));
    }
    if (estimate.historyNote) {
      children.push(h('p', { class: 'muted history-note' }, estimate.historyNote));
    }
    if (estimate.tierNote) {
      children.push(h('p', { class: 'muted tier-note' }, estimate.tierNote));
    }
    replaceChildren(this.estimate, ...children);
  }

  private announce(text: string): void {
    if (this.announceTimer !== undefined) {
      clearTimeout(this.announceTimer);
    }
    this.announceTimer = setTimeout(() => {
      this.announceTimer = undefined;
      this.announcer.textContent = text;
    }, 1000);
  }

  private renderTips(tips: readonly TipView[]): void {
    if (tips.length === 0) {
      replaceChildren(this.tips);
      this.tips.hidden = true;
      return;
    }
    this.tips.hidden = false;
    replaceChildren(this.tips,
      h('h2', {}, 'Cut the cost'),
      h('ul', {}, ...tips.map((tip) => {
        const item = h('li', { class: 'tip', 'data-tip': tip.id },
          h('div', {}, h('strong', {}, tip.title), ' ', h('span', { class: 'saving' }, tip.saving)),
          h('div', { class: 'message' }, tip.message));
        if (tip.action) {
          const button = h('button', { type: 'button', class: 'secondary tip-action' }, tip.action.label);
          button.addEventListener('click', () => this.host.post({ type: 'summarizeThread' }));
          item.append(h('div', { class: 'tip-actions' }, button));
        }
        return item;
      })));
  }

  private scheduleAnswerRender(): void {
    if (this.answerFrame !== 0) {
      return;
    }
    this.answerFrame = requestAnimationFrame(() => {
      this.answerFrame = 0;
      this.renderTurn();
    });
  }

  private renderTurn(): void {
    const turn = this.turn;
    const running = turn?.status === 'running';
    this.gettingStarted.hidden = turn !== null || this.threads.items.length > 0;
    this.send.disabled = running;
    this.stop.hidden = !running;
    if (!turn) {
      this.answer.hidden = true;
      replaceChildren(this.answer);
      return;
    }
    this.answer.hidden = false;
    const header = h('div', { class: `answer-header ${turn.status}` },
      h('span', { class: 'status' }, STATUS_LABELS[turn.status]),
      h('span', { class: 'charge' }, chargeSummary(turn)));
    const actions: CodeActions = {
      copy: (text) => this.copy(text),
      ...(running ? {} : { apply: (index: number, mode: ApplyMode) => this.applyCode(turn.turnId, index, mode) }),
    };
    const body = h('div', { class: 'markdown' }, renderBlocks(parseMarkdown(turn.text), actions));
    // The question it answers, once the thread has it (the extension adds it as the request goes out).
    const prompt = this.thread?.turns.find((candidate) => candidate.turnId === turn.turnId)?.prompt;
    const children: Node[] = prompt ? [h('div', { class: 'past-prompt' }, h('span', { class: 'who' }, viewText.you), ' ', prompt), header] : [header];
    if (turn.error) {
      children.push(h('p', { class: 'error', role: 'alert' }, turn.error));
    }
    children.push(body);
    replaceChildren(this.answer, ...children);
  }
}
