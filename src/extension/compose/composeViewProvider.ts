/**
 * The Compose webview view: the extension side. Owns the draft's context items, feeds the live
 * estimate on every prompt frame the view posts, answers with the estimate and tips, and runs Send /
 * Stop through the services' send path (budget check, turn runner, ledger).
 */
import * as vscode from 'vscode';
import { contextWindowFix, contextWindowWarning, longContextNote } from '../../core/format/statusView';
import { formatModelRef } from '../../core/settings/modelRef';
import {
  COMPOSE_VIEW_ID,
  parseFromComposeView,
  type ComposeState,
  type EstimateView,
  type FromWebview,
  type ModelOption,
  type ToWebview,
  type TurnView,
} from '../../protocol/compose';
import { FrameDebouncer } from '../frameDebouncer';
import { Disposable } from '../lifecycle';
import { UserFacingError, type Services } from '../services';
import type { DraftEstimate } from '../send/draftEstimator';
import type { TurnResult } from '../send/turnRunner';
import type { Draft, DraftContext } from '../send/turnTypes';
import { selectionContext } from '../statusBar';
import { renderWebviewHtml, WEBVIEW_COMMAND_LINKS, webviewResourceRoots } from '../webview/webviewHtml';
import { ComposeDraft } from './composeDraft';
import { draftTipsFor, tipView } from './draftTips';
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
  private turns = 0;
  private readonly selectionFrame: FrameDebouncer;
  private lastEditor: vscode.TextEditor | undefined;
  /** A prompt handed over by a command that the view has not shown yet: it wins over the view's restored draft. */
  private promptPending = false;

  constructor(private readonly extensionUri: vscode.Uri, private readonly services: Services) {
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
    this._register({ dispose: () => this.disposeView() });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, enableCommandUris: WEBVIEW_COMMAND_LINKS, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, {
      title: 'Compose',
      script: 'compose.js',
      styles: ['webview.css', 'compose.css'],
      body: '<main id="compose"></main>',
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
   * then sends it exactly as the Send button does. Resolves with the turn, or undefined when it was
   * not sent (budget declined, or a problem the user was shown).
   */
  async ask(question: ComposeQuestion): Promise<TurnResult | undefined> {
    this.refuseWhileRunning();
    this.draft.startOver(question.prompt, question.selection);
    this.contextTokens = undefined;
    this.promptPending = !this.listening();
    // Shown first, so the answer streams where the user looks; a view that is not ready yet gets it all with its state.
    await vscode.commands.executeCommand(`${COMPOSE_VIEW_ID}.focus`);
    this.post({ type: 'state', state: this.state(), restorePrompt: true });
    this.feedEstimate();
    this.refuseWhileRunning();
    return this.runTurn(this.draft.toDraft(question.modelRef ?? this.modelRef()));
  }

  private refuseWhileRunning(): void {
    if (this.running) {
      throw new UserFacingError('A request is already running in the Compose view: stop it first.', { title: 'Stop Request', command: 'creditMeter.stopRequest' });
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
          (error: unknown) => this.post({ type: 'reply', requestId: message.requestId, error: `Copy failed: ${String(error)}` }),
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
    };
  }

  private modelRef(): string {
    return this.services.config.settings.defaultModel;
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
    const draft = this.draft.toDraft(this.modelRef());
    this.services.liveEstimate.update({ source: 'compose', prompt: draft.prompt, contexts: draft.contexts, modelRef: draft.modelRef, kind: draft.kind });
  }

  private showEstimate(draft: Draft, estimate: DraftEstimate): void {
    const summary = estimate.summary;
    const dominant = estimate.estimate.dominant;
    const windowWarning = contextWindowWarning(summary);
    const tierNote = longContextNote(summary);
    this.estimate = {
      credits: summary.credits,
      ...(summary.credits ? {} : { noPriceReason: `No price is known for ${summary.model}: tokens only.` }),
      inputTokens: summary.inputTokens,
      output: { p50: Math.round(summary.outputTokens.p50), p90: Math.round(summary.outputTokens.p90) },
      exact: summary.exact,
      parts: summary.parts.map((part) => ({ kind: part.kind, label: part.label, tokens: part.tokens, exact: part.exact })),
      ...(summary.contextWindow !== undefined ? { contextWindow: summary.contextWindow } : {}),
      ...(windowWarning ? { windowWarning, windowFix: contextWindowFix(summary) } : {}),
      ...(tierNote ? { tierNote } : {}),
      ...(dominant ? { dominant: dominant.label } : {}),
      kind: this.draft.effectiveKind,
    };
    this.contextTokens = estimate.contextTokens;
    try {
      this.tips = draftTipsFor(this.services).forDraft(draft, estimate, TOP_TIPS).map(tipView);
    } catch (error) {
      this.services.log.warn(`Tips failed: ${error instanceof Error ? error.message : String(error)}`);
      this.tips = [];
    }
    this.post({ type: 'estimate', seq: this.lastSeq, estimate: this.estimate, tips: this.tips });
    this.post({ type: 'contexts', contexts: this.draft.chips(this.contextTokens) });
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
    if (this.draft.setSelection(selectionContext(editor))) {
      this.contextsChanged();
    }
  }

  private addActiveFile(): void {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor || editor.document.isClosed) {
      void vscode.window.showInformationMessage('Open a file in the editor first, then attach it.');
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
        void vscode.window.showWarningMessage(`Not attached: ${error instanceof Error ? error.message : String(error)}`);
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

  /**
   * The one send path of the view (Send button and Ask About Selection): streams the answer into the
   * view, then shows what was charged next to the estimate and remembers the contexts for the tips.
   */
  private async runTurn(draft: Draft): Promise<TurnResult | undefined> {
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.turns += 1;
    const turnId = `compose-${this.turns}`;
    const shown = this.services.liveEstimate.estimateDraft(draft);
    this.setTurn({ turnId, status: 'running', text: '', estimated: shown.summary.credits, charged: null, chargeSource: null });
    let text = '';
    try {
      const outcome = await this.services.send(draft, {
        token: source.token,
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
        const why = outcome.declined === 'window' ? 'it does not fit the model\'s context window' : 'it could exceed your budget';
        this.setTurn({ turnId, status: 'cancelled', text, estimated, charged: null, chargeSource: null, error: `Not sent: ${why}.` });
        return undefined;
      }
      const result = outcome.result;
      draftTipsFor(this.services).recordSend(draft, outcome.estimate, result.credits);
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
        void this.services.showSendError(result.error ?? new Error(`The request ended: ${result.status}.`));
      }
      this.feedEstimate();
      return result;
    } catch (error) {
      this.setTurn({ turnId, status: 'error', text, estimated: shown.summary.credits, charged: null, chargeSource: null, error: error instanceof Error ? error.message : String(error) });
      void this.services.showSendError(error);
      return undefined;
    } finally {
      this.running = undefined;
      source.dispose();
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
