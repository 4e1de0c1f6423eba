// What the suites share: Credit Meter's identity and the trust state the launcher asked for.
import * as vscode from 'vscode';

export const extensionId = 'credit-meter.credit-meter';

/** The trust state this run was started in ('trusted' | 'restricted'), set by the launcher. */
export function requestedTrust(): 'trusted' | 'restricted' {
  const trust = process.env.CREDIT_METER_TRUST;
  if (trust !== 'trusted' && trust !== 'restricted') {
    throw new Error(`CREDIT_METER_TRUST must be trusted or restricted, not ${trust}`);
  }
  return trust;
}

/** Credit Meter, activated. Fails (never skips) when it is missing or its activation throws. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) {
    throw new Error(`${extensionId} is not loaded in this extension host`);
  }
  await extension.activate();
  return extension;
}
