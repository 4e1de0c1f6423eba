/**
 * Code blocks of an answer applied to the editor: Insert at the cursor, Replace the selection, or
 * Apply as diff — a diff editor showing the document next to the proposed change (built from a
 * `WorkspaceEdit`), with Accept and Discard in its title bar. Every change goes through the
 * editor's own edit APIs, so Undo takes it back.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { applyText } from '../../views/composeText';

export type ApplyMode = 'insert' | 'replace' | 'diff';

/** The scheme of the proposed side of an "Apply as diff" view. */
export const PROPOSAL_SCHEME = 'credit-meter-proposal';

interface Proposal {
  readonly uri: vscode.Uri;
  readonly document: vscode.TextDocument;
  /** The document's version the proposal was made on: a later edit makes the proposal stale. */
  readonly version: number;
  readonly edit: vscode.WorkspaceEdit;
  readonly text: string;
  readonly onAccepted: () => void;
}

/** What an apply did: changed the document now, opened a diff to accept, or nothing (with why). */
export type ApplyResult =
  | { readonly kind: 'applied'; readonly document: vscode.Uri }
  | { readonly kind: 'proposed'; readonly proposal: vscode.Uri; readonly document: vscode.Uri }
  | { readonly kind: 'notApplied'; readonly reason: string };

export class CodeApplier extends Disposable implements vscode.TextDocumentContentProvider {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly proposals = new Map<string, Proposal>();
  private nextId = 1;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this));
    // The Compose view has the focus when a button is pressed: the editor meant is the last one used.
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor && editor.document.uri.scheme !== PROPOSAL_SCHEME) {
        this.lastEditor = editor;
      }
    }));
    this._register(vscode.window.onDidChangeTextEditorSelection((event) => {
      if (event.textEditor.document.uri.scheme !== PROPOSAL_SCHEME) {
        this.lastEditor = event.textEditor;
      }
    }));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.toString())?.text ?? '';
  }

  /** Applies `code` to the last editor used; `onApplied` runs once the document holds it (for a diff: on Accept). */
  async apply(mode: ApplyMode, block: string, onApplied: () => void): Promise<ApplyResult> {
    let code = block;
    const editor = await this.targetEditor();
    if (!editor) {
      return { kind: 'notApplied', reason: applyText.noEditor };
    }
    const { document, selection } = editor;
    const range = mode === 'insert' ? new vscode.Range(selection.active, selection.active) : new vscode.Range(selection.start, selection.end);
    code = asLines(code, document, range);
    if (mode !== 'diff') {
      const done = await editor.edit((builder) => builder.replace(range, code));
      if (!done) {
        return { kind: 'notApplied', reason: applyText.applyFailed(vscode.workspace.asRelativePath(document.uri, false)) };
      }
      onApplied();
      return { kind: 'applied', document: document.uri };
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, range, code);
    const before = document.getText();
    const text = before.slice(0, document.offsetAt(range.start)) + code + before.slice(document.offsetAt(range.end));
    const uri = document.uri.with({ scheme: PROPOSAL_SCHEME, query: `proposal=${this.nextId++}` });
    this.proposals.set(uri.toString(), { uri, document, version: document.version, edit, text, onAccepted: onApplied });
    this.updateContext();
    const name = vscode.workspace.asRelativePath(document.uri, false);
    await vscode.commands.executeCommand('vscode.diff', document.uri, uri, applyText.diffTitle(name), { preview: true, preserveFocus: false });
    return { kind: 'proposed', proposal: uri, document: document.uri };
  }

  /** "Accept": applies the proposal shown (or named) to its document, closes the diff and shows the document. */
  async accept(target?: vscode.Uri): Promise<boolean> {
    const proposal = this.proposalFor(target);
    if (!proposal) {
      return false;
    }
    const name = vscode.workspace.asRelativePath(proposal.document.uri, false);
    if (proposal.document.isClosed || proposal.document.version !== proposal.version) {
      void vscode.window.showWarningMessage(applyText.changedMeanwhile(name));
      await this.close(proposal);
      return false;
    }
    const applied = await vscode.workspace.applyEdit(proposal.edit);
    await this.close(proposal);
    if (!applied) {
      void vscode.window.showErrorMessage(applyText.applyFailed(name));
      return false;
    }
    proposal.onAccepted();
    await vscode.window.showTextDocument(proposal.document, { preview: false });
    return true;
  }

  /** "Discard": closes the diff; the document is untouched. */
  async discard(target?: vscode.Uri): Promise<boolean> {
    const proposal = this.proposalFor(target);
    if (!proposal) {
      return false;
    }
    await this.close(proposal);
    return true;
  }

  /** The proposal named, or the one in the active diff editor, or the only one open. */
  private proposalFor(target: vscode.Uri | undefined): Proposal | undefined {
    if (target) {
      return this.proposals.get(target.toString());
    }
    const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (active instanceof vscode.TabInputTextDiff && active.modified.scheme === PROPOSAL_SCHEME) {
      return this.proposals.get(active.modified.toString());
    }
    return this.proposals.size === 1 ? [...this.proposals.values()][0] : undefined;
  }

  /** `creditMeter.proposalOpen`: Accept and Discard are offered in the command palette. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'creditMeter.proposalOpen', this.proposals.size > 0);
  }

  private async close(proposal: Proposal): Promise<void> {
    this.proposals.delete(proposal.uri.toString());
    this.updateContext();
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.uri.toString());
    if (tabs.length > 0) {
      await vscode.window.tabGroups.close(tabs).then(undefined, (error: unknown) => this.log.warn(`The diff could not be closed: ${String(error)}`));
    }
  }

  /** The editor the user last worked in, shown again if it was hidden (its selection kept). */
  private async targetEditor(): Promise<vscode.TextEditor | undefined> {
    const active = vscode.window.activeTextEditor;
    if (active && active.document.uri.scheme !== PROPOSAL_SCHEME) {
      return active;
    }
    const last = this.lastEditor;
    if (!last || last.document.isClosed) {
      return undefined;
    }
    const visible = vscode.window.visibleTextEditors.find((editor) => editor === last);
    if (visible) {
      return visible;
    }
    return vscode.window.showTextDocument(last.document, { viewColumn: last.viewColumn, selection: last.selection, preserveFocus: false });
  }
}

/**
 * A code block is whole lines: placed at the start of a line it ends with a line break, placed after
 * the text of a line it starts on a new one, so it never runs into the code around it. Inside a
 * line (a selected expression) it goes in as it is.
 */
export function asLines(code: string, document: vscode.TextDocument, range: vscode.Range): string {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const text = code.replace(/\r?\n/g, eol);
  const endLine = document.lineAt(range.end.line);
  const atLineStart = range.start.character === 0;
  const beforeIsBlank = document.lineAt(range.start.line).text.slice(0, range.start.character).trim() === '';
  const afterIsBlank = endLine.text.slice(range.end.character).trim() === '';
  if (atLineStart && !afterIsBlank && !text.endsWith(eol)) {
    return text + eol;
  }
  if (!beforeIsBlank && afterIsBlank && range.isEmpty) {
    return eol + text;
  }
  return text;
}
