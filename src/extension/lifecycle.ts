import type * as vscode from 'vscode';

/** Anything with a `dispose()`; matches `vscode.Disposable` without importing its runtime class. */
export interface IDisposable {
  dispose(): void;
}

/**
 * Base for classes that own resources: everything handed to `_register` is disposed with the owner,
 * in reverse order, exactly once.
 */
export abstract class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  protected _register<T extends IDisposable>(value: T): T {
    if (this._isDisposed) {
      value.dispose();
    } else {
      this._disposables.push(value);
    }
    return value;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const disposable of this._disposables.splice(0).reverse()) {
      disposable.dispose();
    }
  }
}

/** Pushes disposables into the extension context in one line. */
export function registerAll(context: vscode.ExtensionContext, ...disposables: IDisposable[]): void {
  context.subscriptions.push(...disposables);
}
