/**
 * The Compose webview view: the extension side. Owns the draft's context items, feeds the live
 * estimate on every prompt frame the view posts, answers with the estimate and tips, and runs Send /
 * Stop through the services' send path (budget check, turn runner, ledger).
 *
 * Compose is a conversation: every message belongs to a thread (`ComposeThreads`), a follow-up
 * resends the thread's earlier turns, and the estimate prices them through the prompt-cache model.
 * After each answer the thread keeps the turn (texts only with `storePrompts`), its charge and the
 * cache state the provider's reported usage confirms. Code blocks of an answer can be inserted,
 * replace the selection or be applied as a diff (`CodeApplier`); the thread counts what was applied.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { type CacheRequest, type CacheState, recordSend } from '../../core/cache';
import { contextWindowFix, contextWindowWarning, longContextNote } from '../../core/format/statusView';
import { codeBlocks, parseMarkdown } from '../../core/markdown';
import { formatSaving, type Tip } from '../../core/tips';
import { formatModelRef, parseModelRef } from '../../core/settings/modelRef';
import { type Thread, turnInHistory } from '../../core/threads';
import {
  COMPOSE_VIEW_ID,
  parseFromComposeView,
  type ComposeState,
  type ConversationView,
  type EstimateView,
  type FromWebview,
  type ModelOption,
  type ThreadsView,
  type TipView,
  type ToWebview,
  type TurnView,
} from '../../protocol/compose';
import { FrameDebouncer } from '../../core/frameDebouncer';
import { Disposable } from '../lifecycle';
import { UserFacingError, type Services } from '../services';
import { cacheDialectFor, type DraftConversation } from '../../send/conversationDraft';
import type { DraftEstimate } from '../../send/draftEstimator';
import type { TurnResult } from '../../send/turnRunner';
import type { Draft, DraftContext } from '../../send/turnTypes';
import { selectionContext } from '../statusBar';
import { renderWebviewHtml, WEBVIEW_COMMAND_LINKS, webviewResourceRoots } from '../webview/webviewHtml';
import { type ApplyMode, type ApplyResult, CodeApplier } from './applyCode';
import { ComposeDraft } from '../../views/composeDraft';
import { applyText, cacheText, summaryText, threadText, tipText } from '../../views/composeText';
import type { ComposeThreads } from './composeThreads';
import { pickWorkspaceFiles, readWorkspaceFile } from './workspaceFiles';

const TOP_TIPS = 3;

/** A question from Ask About Selection, answered in this view. */
export interface ComposeQuestion {
  readonly prompt: string;
  /** The editor selection when the question was asked (the view has the focus by the time it is sent). */
  readonly selection: DraftContext | undefined;
  /** Overrides the default model for this question. */
  readonly modelRef?: string;
}

/** What integration tests can read back through `creditMeter.compose.snapshot`. */
export interface ComposeSnapshot {
  readonly resolved: boolean;
  readonly ready: boolean;
  readonly visible: boolean;
  readonly prompt: string;
  readonly contexts: readonly string[];
  readonly estimate: EstimateView | null;
  /** Ids of the tips shown next to the estimate. */
  readonly tips: readonly string[];
  readonly turn: TurnView | null;
  readonly threads: ThreadsView;
  readonly conversation: ConversationView | null;
}

/** Which thread a turn is recorded in, and whose earlier turns it resends (a summary resends another thread's). */
interface TurnPlan {
  readonly threadId: string;
  readonly historyFrom?: Thread;
}

export class ComposeViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private ready = false;
  private readonly draft = new ComposeDraft();
  private lastSeq = 0;
  private estimate: EstimateView | null = null;
  private contextTokens: readonly number[] | undefined;
  private tips: ComposeState['tips'] = [];
  private turn: TurnView | null = null;
  private running: vscode.CancellationTokenSource | undefined;
  private readonly selectionFrame: FrameDebouncer;
  private lastEditor: vscode.TextEditor | undefined;
  /** A prompt handed over by a command that the view has not shown yet: it wins over the view's restored draft. */
  private promptPending = false;
  /** Re-estimates when the cached prefix the estimate counts on stops being read. */
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Code blocks applied in this window (turn and block), each counted once. */
  private readonly applied = new Set<string>();
  /** The thread the running request is recorded in. */
  private runningThread: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: Services,
    private readonly threads: ComposeThreads,
    private readonly applier: CodeApplier,
  ) {
    super();
    this.selectionFrame = this._register(new FrameDebouncer(() => this.syncSelection(), (error) => services.log.error('Following the selection failed', error)));
    this.lastEditor = vscode.window.activeTextEditor;
    this._register(services.liveEstimate.onDidChange((state) => {
      if (state?.draft.source === 'compose') {
        this.showEstimate(state.draft, state.estimate);
      } else if (!state) {
        // Another surface (the Ask About Selection box) stopped composing: the visible draft is live again.
        this.feedEstimate();
      }
    }));
    this._register(vscode.window.onDidChangeTextEditorSelection(() => this.scheduleSelectionSync()));
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) {
        this.lastEditor = editor;
      }
      this.scheduleSelectionSync();
    }));
    this._register(services.config.onDidChange(() => {
      this.post({ type: 'models', ...this.models() });
      this.feedEstimate();
    }));
    this._register(services.onDidChangeProfile(() => this.feedEstimate()));
    // A thread changed (a turn, its charge, a rename, the active one): the list, the conversation and the resent history follow.
    this._register(threads.onDidChange(() => {
      this.post({ type: 'threads', threads: this.threadsView(), conversation: this.conversationView() });
      this.feedEstimate();
    }));
    this._register({ dispose: () => this.disposeView() });
    this._register({ dispose: () => clearTimeout(this.expiryTimer) });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, enableCommandUris: WEBVIEW_COMMAND_LINKS, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, {
      title: vscode.l10n.t('Compose'),
      script: 'compose.js',
      styles: ['webview.css', 'compose.css'],
      body: '<main id="compose"></main>',
      l10n: vscode.l10n.bundle ?? {},
    });
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) {
          this.syncSelection();
          this.feedEstimate();
        } else {
          // A hidden view's page is destroyed: nothing may be posted until the page shown next says `ready`
          // (and gets full state), or it would adopt the old page's revision numbers and drop its own estimates.
          this.ready = false;
          this.services.liveEstimate.clear('compose');
        }
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
          this.services.liveEstimate.clear('compose');
        }
      }),
    );
    // The conversations load in the background; the view is refreshed when they are in.
    this.threads.store().catch((error: unknown) => this.services.log.error('The Compose threads could not be opened', error));
    this.syncSelection();
  }

  /** Replaces the prompt (from a command), showing the view first. */
  async setPrompt(prompt: string): Promise<void> {
    this.draft.prompt = prompt;
    this.promptPending = !this.listening();
    await vscode.commands.executeCommand(`${COMPOSE_VIEW_ID}.focus`);
    this.post({ type: 'setPrompt', prompt });
    this.feedEstimate();
  }

  /**
   * Asks a question about the selection here: shows the view with the prompt and the selection chip,
   * then sends it exactly as the Send button does, as the first message of a new thread (the input
   * box estimated it without any earlier turns). Resolves with the turn, or undefined when it was not
   * sent (budget declined, or a problem the user was shown).
   */
  async ask(question: ComposeQuestion): Promise<TurnResult | undefined> {
    this.refuseWhileRunning();
    this.draft.startOver(question.prompt, question.selection);
    this.contextTokens = undefined;
    this.promptPending = !this.listening();
    await this.threads.store();
    if ((this.threads.active?.turns.length ?? 0) > 0) {
      await this.threads.activate(undefined);
    }
    // Shown first, so the answer streams where the user looks; a view that is not ready yet gets it all with its state.
    await vscode.commands.executeCommand(`${COMPOSE_VIEW_ID}.focus`);
    this.post({ type: 'state', state: this.state(), restorePrompt: true });
    this.feedEstimate();
    this.refuseWhileRunning();
    return this.runTurn(this.draft.toDraft(question.modelRef ?? this.modelRef()));
  }

  /** Sends the current draft, as the Send button does (for tests and keybindings). */
  async sendDraft(): Promise<TurnResult | undefined> {
    this.refuseWhileRunning();
    return this.runTurn(this.draft.toDraft(this.modelRef()));
  }

  /** The next message starts a new thread (created when it is sent). */
  async newThread(): Promise<void> {
    await this.threads.store();
    await this.threads.activate(undefined);
    this.turn = null;
    this.post({ type: 'state', state: this.state(), restorePrompt: false });
  }

  /** Continues thread `id` (or asks which, with a quick pick). */
  async switchThread(id?: string): Promise<void> {
    await this.threads.store();
    let target = id;
    if (target === undefined) {
      const items = this.threads.list().map((thread) => ({ label: thread.title, description: threadText.pickDetail(thread.turns, thread.cost.credits), id: thread.id as string | undefined }));
      const picked = await vscode.window.showQuickPick([{ label: threadText.pickNew, id: undefined }, ...items], { placeHolder: threadText.pickPlaceholder });
      if (!picked) {
        return;
      }
      target = picked.id;
    }
    if (target !== undefined && !this.threads.get(target)) {
      throw new UserFacingError(threadText.noSuchThread(target));
    }
    await this.threads.activate(target);
    if (this.turn && !this.threads.get(target ?? '')?.turns.some((turn) => turn.turnId === this.turn?.turnId)) {
      this.turn = null;
    }
    this.post({ type: 'state', state: this.state(), restorePrompt: false });
  }

  /** Renames thread `id` (the active one by default) to `title`, or to what the user types. */
  async renameThread(id?: string, title?: string): Promise<void> {
    await this.threads.store();
    const thread = this.threads.get(id ?? this.threads.activeId ?? '');
    if (!thread) {
      return;
    }
    const current = this.threads.list().find((summary) => summary.id === thread.id)?.title ?? thread.title;
    const name = title ?? await vscode.window.showInputBox({
      prompt: threadText.renamePrompt,
      value: current,
      validateInput: (value) => (value.trim() === '' ? threadText.renameEmpty : undefined),
    });
    if (name === undefined || name.trim() === '') {
      return;
    }
    await this.threads.rename(thread.id, name);
  }

  /** Deletes thread `id` (the active one by default) after asking, unless `confirmed`. */
  async deleteThread(id?: string, confirmed = false): Promise<void> {
    await this.threads.store();
    const thread = this.threads.get(id ?? this.threads.activeId ?? '');
    if (!thread) {
      return;
    }
    if (this.running && this.runningThread === thread.id) {
      throw new UserFacingError(threadText.stillRunning, { title: vscode.l10n.t('Stop Request'), command: 'creditMeter.stopRequest' });
    }
    if (!confirmed) {
      const title = this.threads.list().find((summary) => summary.id === thread.id)?.title ?? thread.title;
      const picked = await vscode.window.showWarningMessage(threadText.deleteQuestion(title), { modal: true, detail: threadText.deleteDetail }, threadText.deleteButton);
      if (picked !== threadText.deleteButton) {
        return;
      }
    }
    if (this.turn && thread.turns.some((turn) => turn.turnId === this.turn?.turnId)) {
      this.turn = null;
    }
    await this.threads.delete(thread.id);
    this.post({ type: 'state', state: this.state(), restorePrompt: false });
  }

  /**
   * "New thread from a summary": asks the model for a summary of the active thread (its history is
   * read from the cache when it still is), after showing what that costs, and starts a new thread
   * with it. The old thread stays as it is.
   */
  async summarizeThread(confirmed = false): Promise<TurnResult | undefined> {
    this.refuseWhileRunning();
    await this.threads.store();
    const thread = this.threads.active;
    if (!thread || !thread.turns.some((turn) => turnInHistory(turn) === 'resend')) {
      void vscode.window.showInformationMessage(summaryText.nothingToSummarise);
      return undefined;
    }
    const modelRef = this.modelRef();
    const draft: Draft = {
      prompt: summaryText.prompt,
      contexts: [],
      modelRef,
      kind: 'explain',
      source: 'summary',
      conversation: { thread, threadId: thread.id, dialect: this.dialectFor(modelRef) },
    };
    const estimate = this.services.liveEstimate.estimateDraft(draft);
    const resent = estimate.estimate.parts.filter((part) => part.kind === 'history').reduce((sum, part) => sum + part.tokens, 0);
    const title = this.threads.list().find((summary) => summary.id === thread.id)?.title ?? thread.title;
    if (!confirmed) {
      const picked = await vscode.window.showInformationMessage(
        summaryText.question(title),
        { modal: true, detail: summaryText.detail(estimate.summary.model, estimate.summary.credits, resent) },
        summaryText.confirm,
      );
      if (picked !== summaryText.confirm) {
        return undefined;
      }
    }
    const created = await this.threads.create(summaryText.title(title));
    this.turn = null;
    this.post({ type: 'state', state: this.state(), restorePrompt: false });
    const { conversation: _history, ...message } = draft;
    const result = await this.runTurn({ ...message, source: 'compose' }, { threadId: created.id, historyFrom: thread }, { budgetConfirmed: confirmed });
    if (!result || result.status !== 'ok') {
      // Without a summary the new thread has nothing to start from.
      if (this.threads.get(created.id)?.turns.every((turn) => turn.status !== 'ok')) {
        await this.threads.delete(created.id);
        await this.threads.activate(thread.id);
      }
    }
    return result;
  }

  /** Applies code block `block` of a turn's answer to the editor; once applied, the ledger notes it with the turn's request. */
  async applyCode(turnId: string, block: number, mode: ApplyMode): Promise<ApplyResult> {
    const answer = this.answerOf(turnId);
    const code = answer === undefined ? undefined : codeBlocks(parseMarkdown(answer))[block];
    if (!code) {
      return { kind: 'notApplied', reason: applyText.noBlock };
    }
    return this.applier.apply(mode, code.text, () => this.noteApplied(turnId, block));
  }

  private refuseWhileRunning(): void {
    if (this.running) {
      throw new UserFacingError(vscode.l10n.t('A request is already running in the Compose view: stop it first.'), { title: vscode.l10n.t('Stop Request'), command: 'creditMeter.stopRequest' });
    }
  }

  snapshot(): ComposeSnapshot {
    return {
      resolved: this.view !== undefined,
      ready: this.ready,
      visible: this.view?.visible ?? false,
      prompt: this.draft.prompt,
      contexts: this.draft.contexts.map((context) => context.label),
      estimate: this.estimate,
      tips: this.tips.map((tip) => tip.id),
      turn: this.turn,
      threads: this.threadsView(),
      conversation: this.conversationView(),
    };
  }

  /** The page is loaded and shown: a post reaches it now (a hidden view's page is discarded and says `ready` again). */
  private listening(): boolean {
    return this.ready && (this.view?.visible ?? false);
  }

  private disposeView(): void {
    for (const disposable of this.viewDisposables.splice(0)) {
      disposable.dispose();
    }
    this.selectionFrame.cancel();
  }

  /** Posts once the view listens; before `ready`, nothing is queued: `ready` is answered with full state. */
  private post(message: ToWebview): void {
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseFromComposeView(raw);
    if (!parsed.ok) {
      this.services.log.warn(`Compose view: rejected a malformed message (${parsed.reason})`);
      return;
    }
    try {
      this.handle(parsed.message);
    } catch (error) {
      this.services.log.error(`Compose view: handling "${parsed.message.type}" failed`, error);
    }
  }

  /** Runs an action the view asked for; a problem is shown to the user. */
  private act(action: () => Promise<unknown>): void {
    action().catch((error: unknown) => this.services.showSendError(error));
  }

  private handle(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // A new page numbers its prompt revisions from 0 again.
        this.lastSeq = 0;
        if (message.prompt !== undefined && !this.promptPending) {
          // The view kept the draft across hide/show (or a reload of the extension host).
          this.draft.prompt = message.prompt;
        }
        this.post({ type: 'state', state: this.state(), restorePrompt: this.promptPending || message.prompt === undefined });
        this.promptPending = false;
        this.feedEstimate();
        break;
      case 'draft':
        this.lastSeq = message.seq;
        this.draft.prompt = message.prompt;
        this.feedEstimate();
        break;
      case 'setModel':
        void this.services.config.update('defaultModel', message.model).then(undefined, (error: unknown) => {
          this.services.log.error('Could not change the model', error);
        });
        break;
      case 'setKind':
        this.draft.kind = message.kind;
        this.feedEstimate();
        break;
      case 'removeContext':
        if (this.draft.remove(message.id)) {
          this.contextsChanged();
        }
        break;
      case 'addActiveFile':
        this.addActiveFile();
        break;
      case 'pickFiles':
        void this.pickFiles();
        break;
      case 'send':
        void this.sendFromView(message.requestId, message.prompt);
        break;
      case 'stop':
        this.running?.cancel();
        break;
      case 'copy':
        vscode.env.clipboard.writeText(message.text).then(
          () => this.post({ type: 'reply', requestId: message.requestId }),
          (error: unknown) => this.post({ type: 'reply', requestId: message.requestId, error: vscode.l10n.t('Copy failed: {0}', String(error)) }),
        );
        break;
      case 'newThread':
        this.act(() => this.newThread());
        break;
      case 'switchThread':
        this.act(() => this.switchThread(message.id));
        break;
      case 'renameThread':
        this.act(() => this.renameThread(message.id));
        break;
      case 'deleteThread':
        this.act(() => this.deleteThread(message.id));
        break;
      case 'summarizeThread':
        this.act(() => this.summarizeThread());
        break;
      case 'applyCode':
        this.applyCode(message.turnId, message.block, message.mode).then(
          (result) => this.post({ type: 'reply', requestId: message.requestId, ...(result.kind === 'notApplied' ? { error: result.reason } : {}) }),
          (error: unknown) => this.post({ type: 'reply', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) }),
        );
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private state(): ComposeState {
    return {
      prompt: this.draft.prompt,
      contexts: this.draft.chips(this.contextTokens),
      ...this.models(),
      kind: this.draft.kind,
      estimate: this.estimate,
      tips: this.tips,
      turn: this.turn,
      threads: this.threadsView(),
      conversation: this.conversationView(),
    };
  }

  private threadsView(): ThreadsView {
    return {
      items: this.threads.list().map((thread) => ({
        id: thread.id,
        title: thread.title,
        turns: thread.turns,
        credits: thread.cost.credits,
        uncharged: thread.cost.unchargedTurns,
      })),
      activeId: this.threads.activeId ?? null,
    };
  }

  private conversationView(): ConversationView | null {
    const thread = this.threads.active;
    if (!thread) {
      return null;
    }
    return {
      threadId: thread.id,
      turns: thread.turns.map((turn) => ({
        turnId: turn.turnId,
        prompt: turn.prompt,
        answer: turn.answer,
        status: turn.status,
        estimated: turn.estimate?.expected ?? null,
        charged: turn.charge?.credits ?? null,
        appliedBlocks: turn.appliedBlocks,
      })),
    };
  }

  private modelRef(): string {
    return this.services.config.settings.defaultModel;
  }

  private dialectFor(modelRef: string): DraftConversation['dialect'] {
    return cacheDialectFor(this.services.config.settings.providers, modelRef);
  }

  /** The draft as the next message of the active thread (a new thread when none is active). */
  private composeDraft(): Draft {
    const draft = this.draft.toDraft(this.modelRef());
    const thread = this.threads.active;
    return { ...draft, conversation: { thread, threadId: thread?.id, dialect: this.dialectFor(draft.modelRef) } };
  }

  private models(): { models: ModelOption[]; model: string } {
    const models: ModelOption[] = [];
    for (const provider of this.services.config.settings.providers) {
      for (const model of provider.models) {
        models.push({ ref: formatModelRef({ providerId: provider.id, model }), label: `${model} · ${provider.id}` });
      }
    }
    return { models, model: this.modelRef() };
  }

  /** Hands the draft to the live estimate (which answers within a frame), or stops composing when it is empty. */
  private feedEstimate(): void {
    if (!this.view?.visible) {
      return;
    }
    if (this.draft.prompt.trim() === '' && this.draft.contexts.length === 0) {
      this.services.liveEstimate.clear('compose');
      this.estimate = null;
      this.tips = [];
      this.contextTokens = [];
      this.post({ type: 'estimate', seq: this.lastSeq, estimate: null, tips: [] });
      return;
    }
    const draft = this.composeDraft();
    this.services.liveEstimate.update({
      source: 'compose',
      prompt: draft.prompt,
      contexts: draft.contexts,
      modelRef: draft.modelRef,
      kind: draft.kind,
      conversation: draft.conversation ?? null,
    });
  }

  private showEstimate(draft: Draft, estimate: DraftEstimate): void {
    const summary = estimate.summary;
    const dominant = estimate.estimate.dominant;
    const windowWarning = contextWindowWarning(summary);
    const tierNote = longContextNote(summary);
    const cache = estimate.estimate.cache;
    const now = Date.now();
    const cacheNote = cache ? cacheText.note(cache, now) : undefined;
    const cacheSaving = cache && summary.credits ? cacheText.saving(cache, summary.credits.expected) : undefined;
    const missing = draft.conversation?.thread?.turns.filter((turn) => turnInHistory(turn) === 'missing').length ?? 0;
    this.estimate = {
      credits: summary.credits,
      ...(summary.credits ? {} : { noPriceReason: vscode.l10n.t('No price is known for {0}: tokens only.', summary.model) }),
      inputTokens: summary.inputTokens,
      output: { p50: Math.round(summary.outputTokens.p50), p90: Math.round(summary.outputTokens.p90) },
      exact: summary.exact,
      parts: summary.parts.map((part) => ({ kind: part.kind, label: part.label, tokens: part.tokens, exact: part.exact })),
      ...(summary.contextWindow !== undefined ? { contextWindow: summary.contextWindow } : {}),
      ...(windowWarning ? { windowWarning, windowFix: contextWindowFix(summary) } : {}),
      ...(tierNote ? { tierNote } : {}),
      ...(dominant ? { dominant: dominant.label } : {}),
      kind: this.draft.effectiveKind,
      ...(estimate.estimate.historyTurns > 0 ? { historyTurns: estimate.estimate.historyTurns } : {}),
      ...(missing > 0 ? { historyNote: threadText.historyMissing(missing) } : {}),
      ...(cache && cache.rules !== 'none'
        ? { cache: { rules: cache.rules, read: cache.readTokens, written: cache.writeTokens, fresh: cache.freshTokens, ...(cacheNote ? { note: cacheNote } : {}), ...(cacheSaving ? { saving: cacheSaving } : {}) } }
        : {}),
    };
    this.contextTokens = estimate.contextTokens;
    try {
      this.tips = this.services.tips.forDraft(draft, estimate, TOP_TIPS).map(tipView);
    } catch (error) {
      this.services.log.warn(`Tips failed: ${error instanceof Error ? error.message : String(error)}`);
      this.tips = [];
    }
    this.post({ type: 'estimate', seq: this.lastSeq, estimate: this.estimate, tips: this.tips });
    this.post({ type: 'contexts', contexts: this.draft.chips(this.contextTokens) });
    this.scheduleExpiry(cache?.cachedUntil ?? cache?.cachedAfter?.until, now);
  }

  /** The estimate changes when the cache it counts on expires: estimate again then. */
  private scheduleExpiry(until: number | undefined, now: number): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (until !== undefined && until > now && until - now < 2 * 60 * 60_000) {
      this.expiryTimer = setTimeout(() => {
        this.expiryTimer = undefined;
        this.feedEstimate();
      }, until - now + 1000);
    }
  }

  private contextsChanged(): void {
    this.contextTokens = undefined;
    this.post({ type: 'contexts', contexts: this.draft.chips(undefined) });
    this.feedEstimate();
  }

  private scheduleSelectionSync(): void {
    if (this.view?.visible) {
      this.selectionFrame.schedule();
    }
  }

  /** The selection chip follows the active editor's selection. */
  private syncSelection(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor && this.draft.contexts.some((context) => context.auto)) {
      // Focus moved to a view or panel: the editor's selection is still what the user means.
      return;
    }
    if (editor?.document.uri.scheme === 'credit-meter-proposal') {
      return;
    }
    if (this.draft.setSelection(selectionContext(editor))) {
      this.contextsChanged();
    }
  }

  private addActiveFile(): void {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor || editor.document.isClosed) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a file in the editor first, then attach it.'));
      return;
    }
    this.draft.addFile(vscode.workspace.asRelativePath(editor.document.uri, false), editor.document.getText());
    this.contextsChanged();
  }

  private async pickFiles(): Promise<void> {
    const files = await pickWorkspaceFiles();
    for (const uri of files) {
      try {
        this.draft.addFile(vscode.workspace.asRelativePath(uri, false), await readWorkspaceFile(uri));
      } catch (error) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Not attached: {0}', error instanceof Error ? error.message : String(error)));
      }
    }
    if (files.length > 0) {
      this.contextsChanged();
    }
  }

  private setTurn(turn: TurnView): void {
    this.turn = turn;
    this.post({ type: 'turn', turn });
  }

  private async sendFromView(requestId: string, prompt: string): Promise<void> {
    if (this.running) {
      this.post({ type: 'reply', requestId, error: 'A request is already running: stop it first.' });
      return;
    }
    this.draft.prompt = prompt;
    // The panel must show the estimate this send is judged against, even if the last prompt frame never got here.
    this.feedEstimate();
    const turn = this.runTurn(this.draft.toDraft(this.modelRef()));
    this.post({ type: 'reply', requestId });
    await turn;
  }

  /** The answer of a turn: the one streaming or just answered, else the thread's. */
  private answerOf(turnId: string): string | undefined {
    if (this.turn?.turnId === turnId && this.turn.status !== 'running') {
      return this.turn.text;
    }
    return this.threads.findTurn(turnId)?.turn.answer ?? undefined;
  }

  private noteApplied(turnId: string, block: number): void {
    const key = `${turnId}#${block}`;
    if (this.applied.has(key)) {
      return;
    }
    this.applied.add(key);
    void this.recordApplied(turnId, block);
  }

  /**
   * The ledger notes the block with the request its answer came from (the record of the count:
   * history and exports read it there); the thread counts it too, for this view, only when the
   * ledger had not noted that block yet, so both say the same after a reload or in another window.
   */
  private async recordApplied(turnId: string, block: number): Promise<void> {
    let fresh = true;
    try {
      fresh = (await (await this.services.ledger()).noteApplied({ turnId, appliedBlock: block })) !== undefined;
    } catch (error) {
      this.services.log.error('The applied code block could not be recorded in the ledger', error);
    }
    const owner = this.threads.findTurn(turnId)?.thread.id;
    if (fresh && owner !== undefined) {
      await this.threads.noteApplied(owner, turnId).catch((error: unknown) => this.services.log.error('The applied block could not be counted', error));
    }
  }

  /**
   * The one send path of the view (Send button, Ask About Selection, a summary): the message goes to
   * the active thread (a new one when none is), resending its earlier turns; the answer streams into
   * the view; the thread keeps the turn, its charge and what the provider's cache now holds.
   */
  private async runTurn(draft: Draft, plan?: TurnPlan, sendOptions: { readonly budgetConfirmed?: boolean } = {}): Promise<TurnResult | undefined> {
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    const turnId = randomUUID();
    let text = '';
    let threadId: string | undefined;
    let createdThread = false;
    let appended = false;
    try {
      const store = await this.threads.store();
      threadId = plan?.threadId ?? this.threads.activeId;
      if (threadId === undefined) {
        threadId = (await this.threads.create()).id;
        createdThread = true;
      }
      const history = plan?.historyFrom ?? store.get(threadId);
      const recordIn = threadId;
      this.runningThread = recordIn;
      const sent: Draft = { ...draft, conversation: { thread: history, threadId: recordIn, dialect: this.dialectFor(draft.modelRef) } };
      const shown = this.services.liveEstimate.estimateDraft(sent);
      this.setTurn({ turnId, status: 'running', text: '', estimated: shown.summary.credits, charged: null, chargeSource: null });
      const ref = parseModelRef(draft.modelRef);
      const outcome = await this.services.send(sent, {
        token: source.token,
        turnId,
        ...sendOptions,
        beforeSend: async (estimate) => {
          await this.threads.appendTurn(recordIn, {
            turnId,
            startedAt: new Date(),
            provider: ref?.providerId ?? 'unknown',
            model: ref?.model ?? draft.modelRef,
            prompt: draft.prompt,
            contexts: draft.contexts.map((context, index) => ({ ...context, tokens: estimate.contextTokens[index] })),
            estimate: estimate.sendTime.record,
          });
          appended = true;
        },
        onText: (delta) => {
          text += delta;
          if (this.turn?.turnId === turnId) {
            this.turn = { ...this.turn, text };
          }
          this.post({ type: 'answerDelta', turnId, text: delta });
        },
      });
      const estimated = outcome.estimate.summary.credits;
      if (!outcome.result) {
        const error = outcome.declined === 'window' ? vscode.l10n.t("Not sent: it does not fit the model's context window.") : vscode.l10n.t('Not sent: it could exceed your budget.');
        this.setTurn({ turnId, status: 'cancelled', text, estimated, charged: null, chargeSource: null, error });
        return undefined;
      }
      const result = outcome.result;
      await this.threads.updateTurn(recordIn, turnId, {
        status: result.status,
        answer: result.text || text,
        recordIds: result.records.map((record) => record.id),
        charge: { credits: result.credits, usd: result.usd },
      });
      if (outcome.conversation && history) {
        await this.recordCache(history.id, outcome.conversation.cacheRequest, result);
      }
      this.services.tips.recordSend(draft, outcome.estimate, result.credits);
      this.setTurn({
        turnId,
        status: result.status,
        text: result.text || text,
        estimated,
        charged: result.credits,
        chargeSource: chargeSourceOf(result),
        ...(result.error && result.status !== 'cancelled' ? { error: result.error.message } : {}),
      });
      if (result.status === 'error' || result.status === 'aborted' || result.status === 'timeout') {
        void this.services.showSendError(result.error ?? new Error(vscode.l10n.t('The request ended: {0}.', result.status)));
      }
      this.feedEstimate();
      return result;
    } catch (error) {
      this.setTurn({ turnId, status: 'error', text, estimated: this.turn?.estimated ?? null, charged: null, chargeSource: null, error: error instanceof Error ? error.message : String(error) });
      if (appended && threadId !== undefined) {
        await this.threads.updateTurn(threadId, turnId, { status: 'error' }).catch(() => undefined);
      }
      void this.services.showSendError(error);
      return undefined;
    } finally {
      this.running = undefined;
      this.runningThread = undefined;
      source.dispose();
      if (createdThread && !appended && threadId !== undefined && this.threads.get(threadId)?.turns.length === 0) {
        // Nothing was sent: the thread made for it goes again.
        await this.threads.delete(threadId).catch(() => undefined);
      }
    }
  }

  /**
   * The thread's cache state after the send: every attempt the provider accepted (2xx) started a
   * lifetime, corrected by the cache reads and writes it reported. A refused attempt caches nothing.
   */
  private async recordCache(threadId: string, request: CacheRequest, result: TurnResult): Promise<void> {
    const thread = this.threads.get(threadId);
    if (!thread) {
      return;
    }
    let state: CacheState | undefined = thread.cache ?? undefined;
    let changed = false;
    for (const record of result.records) {
      const status = record.outcome.httpStatus;
      const accepted = status !== undefined ? status >= 200 && status < 300 : record.usageSource === 'provider';
      if (!accepted) {
        continue;
      }
      const observed = record.usageSource === 'provider' ? { cacheReadTokens: record.tokens.cacheRead, cacheWriteTokens: record.tokens.cacheWrite } : undefined;
      state = recordSend(state, request, Date.parse(record.startedAt), observed);
      changed = true;
    }
    if (changed && state) {
      await this.threads.setCacheState(threadId, state);
    }
  }
}

function chargeSourceOf(result: TurnResult): TurnView['chargeSource'] {
  if (result.records.length === 0) {
    return null;
  }
  if (result.records.some((record) => record.cost.chargeSource === 'provider')) {
    return 'provider';
  }
  if (result.records.some((record) => record.usageSource === 'estimated')) {
    return 'estimated';
  }
  return 'computed';
}

function tipView(tip: Tip): TipView {
  return {
    id: tip.id,
    title: tip.title,
    message: tip.message,
    saving: formatSaving(tip),
    ...(tip.action === 'newThreadFromSummary' ? { action: { id: tip.action, label: tipText.newThreadFromSummary } } : {}),
  };
}
