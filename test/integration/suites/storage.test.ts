import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activeExtension } from '../support/extension';

type Storage = Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri' | 'workspaceState' | 'globalState' | 'secrets'>;

/** Where Credit Meter keeps state, as its API (`getApi(1).storage`) gives it. */
async function extensionContext(): Promise<Storage> {
  const extension = await activeExtension();
  const context = (extension.exports as { getApi?: (version: number) => { storage?: Storage } } | undefined)?.getApi?.(1).storage;
  assert.ok(context, 'getApi(1) has the extension storage');
  return context;
}

/** Creates `folder`, writes, reads back and deletes a file in it. */
async function roundTrip(folder: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.createDirectory(folder);
  const probe = vscode.Uri.joinPath(folder, `harness-probe-${process.pid}.txt`);
  await vscode.workspace.fs.writeFile(probe, Buffer.from('credit meter'));
  assert.equal(Buffer.from(await vscode.workspace.fs.readFile(probe)).toString(), 'credit meter');
  await vscode.workspace.fs.delete(probe);
  assert.equal((await vscode.workspace.fs.stat(folder)).type, vscode.FileType.Directory);
}

describe('harness: storage and secrets', () => {
  it('has a per-workspace storage folder on disk it can create and write', async () => {
    const context = await extensionContext();
    assert.ok(context.storageUri, 'a folder is open, so there is workspace storage');
    assert.equal(context.storageUri.scheme, 'file');
    await roundTrip(context.storageUri);
  });

  it('has a global storage folder it can create and write', async () => {
    const context = await extensionContext();
    await roundTrip(context.globalStorageUri);
  });

  it('stores, reads back and deletes a secret', async () => {
    const context = await extensionContext();
    const key = `creditMeter.harness.${process.pid}`;
    const changed = new Promise<string>((resolve) => {
      const subscription = context.secrets.onDidChange((event) => {
        if (event.key === key) {
          subscription.dispose();
          resolve(event.key);
        }
      });
    });
    await context.secrets.store(key, 'not-a-real-key');
    assert.equal(await changed, key);
    assert.equal(await context.secrets.get(key), 'not-a-real-key');
    await context.secrets.delete(key);
    assert.equal(await context.secrets.get(key), undefined);
  });
});
