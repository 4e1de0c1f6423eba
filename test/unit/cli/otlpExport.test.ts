import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spanIdOf } from '../../../src/core/telemetry';
import { runOtlpExport } from '../../../src/cli/otlpExport';
import { makeRecords, writeLedger } from '../../support/ledgerFixtures';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlpReceiver';
import { runCli } from './runCli';

describe('credit-meter export --otlp', function () {
  this.timeout(60_000);
  let dir: string;
  let receiver: OtlpReceiver;
  const records = makeRecords(120, { seed: 88, days: 6 });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-otlp-cli-'));
    await writeLedger(path.join(dir, 'ledger'), records);
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends every record once, prints how many, and skips them the next time unless --resend (same ids, not counted again)', async () => {
    const run = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url], dir);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, new RegExp(`^Sent ${records.length} record\\(s\\) as spans to ${receiver.url}/v1/traces \\(http/protobuf\\); ${records.length} counted in the metrics\\.\\n$`));
    assert.deepEqual(new Set(receiver.spans.map((span) => span.spanId)), new Set(records.map((record) => spanIdOf(record.id))));
    assert.equal(receiver.spans.length, records.length);

    const again = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url], dir);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^Sent 0 record\(s\)/);
    assert.equal(receiver.spans.length, records.length, 'nothing sent twice');

    const resend = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url, '--resend'], dir);
    assert.equal(resend.code, 0, resend.err);
    assert.match(resend.out, new RegExp(`^Sent ${records.length} record\\(s\\) as spans \\(${records.length} of them sent before\\).*; 0 counted in the metrics`));
    assert.equal(new Set(receiver.spans.map((span) => span.spanId)).size, records.length, 'a backfill carries the same span ids');
  });

  it('--otlp-protocol http/json and --since send only the records from that day on, as OTLP JSON', async () => {
    const since = '2026-01-08';
    const expected = records.filter((record) => record.startedAt >= '2026-01-08T00:00:00.000Z');
    assert.ok(expected.length > 0 && expected.length < records.length);
    const run = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url, '--otlp-protocol', 'http/json', '--since', since], dir);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, new RegExp(`^Sent ${expected.length} record\\(s\\).*\\(http/json\\)`));
    assert.ok(receiver.requests.every((request) => request.contentType.startsWith('application/json')));
    assert.deepEqual(new Set(receiver.spans.map((span) => span.spanId)), new Set(expected.map((record) => spanIdOf(record.id))));
  });

  it('a bare --otlp takes the endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_HEADERS: 'x-team-token=s3cr%20et,x-other=1' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const io = { out: (text: string) => { out += text; }, err: (text: string) => { err += text; }, readStdin: async () => '', cwd: dir };
      let out = '';
      let err = '';
      const code = await runOtlpExport(['--ledger', 'ledger', '--otlp', '--since', '2026-01-10'], io, env);
      assert.equal(code, 0, err);
      assert.match(out, /\(http\/json\)/);
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) {
          delete process.env[key];
        } else {
          process.env[key] = saved[key];
        }
      }
    }
    assert.ok(receiver.requests.length > 0);
    assert.ok(receiver.requests.every((request) => request.headers['x-team-token'] === 's3cr et' && request.headers['x-other'] === '1'));
  });

  it('fails with one line and a non-zero exit when the collector refuses, and resumes the next time', async () => {
    receiver.failWith(400);
    const run = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url], dir);
    assert.equal(run.code, 1);
    assert.match(run.err, /^credit-meter export: http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(http\/protobuf\) did not take the export: .*; sent 0 record\(s\), 120 left \(run again to resume; nothing is sent twice\)\n$/);
    receiver.failWith(undefined);
    const again = await runCli(['export', '--ledger', 'ledger', '--otlp', receiver.url], dir);
    assert.equal(again.code, 0, again.err);
    assert.equal(new Set(receiver.spans.map((span) => span.spanId)).size, records.length);
  });

  const badInputs: Array<[string, string[], RegExp]> = [
    ['grpc', ['--otlp', 'http://127.0.0.1:4317', '--otlp-protocol', 'grpc'], /grpc is not supported; use http\/protobuf or http\/json/],
    ['no endpoint anywhere', ['--otlp'], /no OTLP endpoint: pass --otlp URL or set OTEL_EXPORTER_OTLP_ENDPOINT/],
    ['credentials in the URL', ['--otlp', 'http://user:pw@127.0.0.1:4318'], /must not contain a user name or password/],
    ['an unknown protocol', ['--otlp', 'http://127.0.0.1:4318', '--otlp-protocol', 'thrift'], /--otlp-protocol must be http\/protobuf or http\/json, not 'thrift'/],
    ['a file-export option', ['--otlp', 'http://127.0.0.1:4318', '--format', 'csv'], /Unknown option '--format'/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line`, async () => {
      const io = { out: () => undefined, err: (text: string) => { err += text; }, readStdin: async () => '', cwd: dir };
      let err = '';
      const { main } = await import('../../../src/cli/main');
      const code = await main(['export', '--ledger', 'ledger', ...args], io);
      assert.equal(code, 2);
      assert.match(err, message);
      assert.equal(err.trim().split('\n').length, 1);
    });
  }
});
