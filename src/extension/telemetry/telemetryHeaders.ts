/**
 * Values of the telemetry headers (`creditMeter.telemetry.headers` names them) live in
 * SecretStorage, bound to the origin of the endpoint they were stored for: pointing the setting at
 * another collector does not send them there.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';

const PREFIX = 'creditMeter.telemetryHeader:';

function secretKey(origin: string, name: string): string {
  return `${PREFIX}${origin}:${name.toLowerCase()}`;
}

export class TelemetryHeaders extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly storage: vscode.SecretStorage) {
    super();
    this._register(storage.onDidChange((event) => {
      if (event.key.startsWith(PREFIX)) {
        this.changed.fire();
      }
    }));
  }

  /** The values stored for `origin`, by header name; names without a value are listed in `missing`. */
  async resolve(origin: string, names: readonly string[]): Promise<{ headers: Record<string, string>; missing: string[] }> {
    const headers: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of names) {
      const value = await this.storage.get(secretKey(origin, name));
      if (value === undefined) {
        missing.push(name);
      } else {
        headers[name] = value;
      }
    }
    return { headers, missing };
  }

  set(origin: string, name: string, value: string): Thenable<void> {
    return this.storage.store(secretKey(origin, name), value);
  }

  delete(origin: string, name: string): Thenable<void> {
    return this.storage.delete(secretKey(origin, name));
  }
}
