import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { TurnResult } from '../../../src/send/turnRunner';
import { everyNBytes, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { clearCompose, creditMeter, setUserSetting, until } from './creditMeterApi';

const KEY = 'sk-deadline-0123456789abcdef';

describe('extension: deadlines', () => {
  let server: ProtocolServer | undefined;

  after(async () => {
    const api = await creditMeter();
    await server?.close();
    await vscode.commands.executeCommand('creditMeter.clearApiKey', 'slow');
    for (const key of ['providers', 'maxRetries', 'errorBodyTimeoutSeconds']) {
      await setUserSetting(api, key, undefined);
    }
    await clearCompose();
  });

  it('records a 500 whose body trickles in past creditMeter.errorBodyTimeoutSeconds as timeout, and shows it', async () => {
    const api = await creditMeter();
    // A 500 whose JSON body arrives one byte every 50 ms: about 10 s in all, were it waited for.
    const body = JSON.stringify({ error: { type: 'server_error', message: `${'The server is very slowly explaining itself. '.repeat(4)}` } });
    server = await startProtocolServer([{ status: 500, body, splitAt: everyNBytes(body, 1), chunkDelayMs: 50 }]);
    await setUserSetting(api, 'providers', [{ id: 'slow', kind: 'openai', baseUrl: `${server.url}/v1`, models: ['o4-mini'] }]);
    await setUserSetting(api, 'maxRetries', 0);
    await setUserSetting(api, 'errorBodyTimeoutSeconds', 1);
    await until('the deadline setting to apply', () => api.config.settings.errorBodyTimeoutSeconds === 1);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'slow', KEY);

    const started = Date.now();
    const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.askAboutSelection', { prompt: 'Are you there?', modelRef: 'slow:o4-mini' });
    assert.ok(result, 'the command returns the turn');
    assert.ok(Date.now() - started < 9000, 'the request did not wait for the whole body');
    assert.equal(result.status, 'timeout');
    await server.clientClosed(0, 5000);

    const ledger = await api.ledger();
    const [record, ...rest] = await ledger.query({ turnId: result.turnId });
    assert.equal(rest.length, 0);
    assert.equal(record.outcome.status, 'timeout');
    assert.equal(record.outcome.errorClass, 'timeout');
    assert.equal(record.outcome.httpStatus, 500);
    assert.equal(record.usageSource, 'estimated');
    assert.equal(record.cost.credits, 0, 'a refused request without usage costs nothing');

    const view = await until('the Compose view to show the timed-out turn', async () => {
      const snapshot = await vscode.commands.executeCommand<{ turn: { turnId: string; status: string } | null }>('creditMeter.compose.snapshot');
      return snapshot.turn?.status === 'timeout' && snapshot.turn;
    });
    assert.equal(view.status, 'timeout');
  });
});
