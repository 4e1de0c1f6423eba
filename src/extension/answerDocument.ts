/**
 * Read-only Markdown documents that show a streamed answer and its charge, under the
 * `credit-meter-answer:` scheme (a content provider's documents cannot be edited).
 */
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

export const ANSWER_SCHEME = 'credit-meter-answer';
const REFRESH_MS = 100;

export class AnswerDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private counter = 0;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this));
    this._register({ dispose: () => { if (this.timer !== undefined) { clearTimeout(this.timer); } } });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens a new answer document beside the editor. */
  async open(title: string, initial: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${++this.counter}-${title.replace(/[^A-Za-z0-9 _-]/g, '').slice(0, 40) || 'answer'}.md` });
    this.contents.set(uri.toString(), initial);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    return uri;
  }

  /** Replaces the content; the editor refreshes at most every 100 ms while streaming. */
  set(uri: vscode.Uri, content: string, now = false): void {
    this.contents.set(uri.toString(), content);
    this.pending.add(uri.toString());
    if (now) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), REFRESH_MS);
    }
  }

  get(uri: vscode.Uri): string | undefined {
    return this.contents.get(uri.toString());
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const key of this.pending) {
      this.changed.fire(vscode.Uri.parse(key));
    }
    this.pending.clear();
  }
}
