import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { totalInput } from '../../../src/core/ledger/usageRecord';
import { spanIdOf, traceIdOf } from '../../../src/core/telemetry/spanIds';
import type { TurnResult } from '../../../src/send/turnRunner';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlpReceiver';
import { readStreamFixture, startProtocolServer, type ProtocolServer } from '../../support/protocolServer';
import { clearCompose, creditMeter, setUserSetting, until } from '../extension/creditMeterApi';
import { activeExtension } from '../support/extension';

const KEY = 'sk-telemetry-0123456789abcdef';
const PROMPT = 'Explain this loop, telemetry-marker-7f3a';

describe('telemetry: a request sent from Compose reaches the team collector as a GenAI span', () => {
  let provider: ProtocolServer;
  let collector: OtlpReceiver;

  before(async () => {
    const api = await creditMeter();
    const extension = await activeExtension();
    const body = readStreamFixture('openai-chat-usage.sse', path.join(extension.extensionPath, 'test', 'fixtures', 'streams'));
    provider = await startProtocolServer(() => ({ body }));
    collector = await startOtlpReceiver();
    await setUserSetting(api, 'providers', [{ id: 'otel-openai', kind: 'openai', baseUrl: `${provider.url}/v1`, models: ['o4-mini'] }]);
    await vscode.commands.executeCommand('creditMeter.setApiKey', 'otel-openai', KEY);
  });

  after(async () => {
    const api = await creditMeter();
    await setUserSetting(api, 'telemetry.enabled', undefined);
    await setUserSetting(api, 'telemetry.otlpEndpoint', undefined);
    await setUserSetting(api, 'providers', undefined);
    await vscode.commands.executeCommand('creditMeter.clearApiKey', 'otel-openai');
    await clearCompose();
    await collector?.close();
    await provider?.close();
  });

  it('after the disclosure is accepted, exports the request with its tokens and credits, and without the prompt', async () => {
    const api = await creditMeter();
    await setUserSetting(api, 'telemetry.otlpEndpoint', collector.url);
    // The dialog's answer, given through the command (a modal cannot be clicked from a test).
    const accepted = await vscode.commands.executeCommand<boolean>('creditMeter.showTelemetryDisclosure', 'send');
    assert.equal(accepted, true);
    await setUserSetting(api, 'telemetry.enabled', true);

    const result = await vscode.commands.executeCommand<TurnResult | undefined>('creditMeter.askAboutSelection', { prompt: PROMPT, modelRef: 'otel-openai:o4-mini' });
    assert.ok(result, 'the command returns the turn');
    assert.equal(result.status, 'ok');
    const ledger = await api.ledger();
    const [record] = await ledger.query({ turnId: result.turnId });
    assert.ok(record, 'the request is in the ledger');

    const span = await until(() => `the span of ${record.id} (collector has ${collector.spans.length} span(s))`,
      () => collector.spans.find((candidate) => candidate.spanId === spanIdOf(record.id)), 30_000);
    assert.equal(span.traceId, traceIdOf(record.turnId));
    assert.equal(span.name, 'chat o4-mini');
    assert.equal(span.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(span.attributes['gen_ai.request.model'], 'o4-mini');
    assert.equal(span.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], totalInput(record.tokens));
    assert.equal(span.attributes['gen_ai.usage.cache_read.input_tokens'], 1280);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 160);
    assert.equal(span.attributes['credit_meter.credits'], record.cost.credits);
    assert.equal(span.attributes['credit_meter.record.id'], record.id);
    assert.equal(span.resource['service.name'], 'credit-meter');
    const wire = Buffer.concat(collector.requests.map((request) => request.body)).toString('latin1');
    assert.ok(!wire.includes('telemetry-marker-7f3a'), 'the prompt is not sent without the content opt-in');
    assert.ok(!wire.includes(KEY), 'no API key on the wire');
  });
});
