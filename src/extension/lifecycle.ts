import type * as vscode from 'vscode';
import { disposeAll } from '../core/lifecycle';

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

  /**
   * Disposes everything registered, newest first, each one even when an earlier one threw; what
   * threw goes to `disposeFailed`.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    const errors = disposeAll(this._disposables.splice(0).reverse());
    if (errors.length > 0) {
      this.disposeFailed(errors);
    }
  }

  /** Reports what threw while disposing; owners with a log override it. */
  protected disposeFailed(errors: readonly unknown[]): void {
    for (const error of errors) {
      console.error('Credit Meter: disposing failed', error);
    }
  }
}

/** Pushes disposables into the extension context in one line. */
export function registerAll(context: vscode.ExtensionContext, ...disposables: IDisposable[]): void {
  context.subscriptions.push(...disposables);
}
