/** Picking and reading workspace files to attach as context. */
import * as vscode from 'vscode';

/** Larger files are refused: they would cost more than any question about them is worth. */
export const MAX_ATTACHED_BYTES = 2 * 1024 * 1024;
const MAX_LISTED_FILES = 5_000;

interface FileItem extends vscode.QuickPickItem {
  readonly uri: vscode.Uri;
}

/** A multi-select quick pick of the workspace's files (honouring `files.exclude` and `.gitignore`-d search excludes). */
export async function pickWorkspaceFiles(): Promise<vscode.Uri[]> {
  const uris = await vscode.workspace.findFiles('**/*', undefined, MAX_LISTED_FILES);
  if (uris.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No files in this workspace to attach.'));
    return [];
  }
  const items: FileItem[] = uris
    .map((uri) => ({ uri, label: vscode.workspace.asRelativePath(uri, false) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: vscode.l10n.t('Files to send as context'), matchOnDescription: true });
  return (picked ?? []).map((item) => item.uri);
}

/** The file's text; throws a short, named error for a file too large or not text. */
export async function readWorkspaceFile(uri: vscode.Uri): Promise<string> {
  const name = vscode.workspace.asRelativePath(uri, false);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > MAX_ATTACHED_BYTES) {
    throw new Error(vscode.l10n.t('{0} is larger than {1} MB', name, MAX_ATTACHED_BYTES / 1024 / 1024));
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes.subarray(0, 8000).includes(0)) {
    throw new Error(vscode.l10n.t('{0} is not a text file', name));
  }
  return new TextDecoder('utf-8').decode(bytes);
}
