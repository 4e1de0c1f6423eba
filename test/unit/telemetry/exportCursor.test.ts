import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayUrl, endpointKey, endpointProblem, OtlpConfigError, resolveOtlpTarget, signalUrls } from '../../../src/core/telemetry';
import { ExportCursor, ExportLock } from '../../../src/telemetry';
import { tempDir } from './telemetryKit';

describe('telemetry: the per-endpoint cursor', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDir('cm-cursor-');
    dirs.push(dir);
    return dir;
  };
  after(() => { for (const dir of dirs) { fs.rmSync(dir, { recursive: true, force: true }); } });

  it('keeps acknowledged ids across reopen, in the journal and after compaction, and nothing else', async () => {
    const dir = newDir();
    const ids = Array.from({ length: 300 }, () => randomUUID());
    const cursor = await ExportCursor.open(dir);
    await cursor.acknowledge(ids.slice(0, 200).map((key, i) => ({ key, startedMs: Date.parse('2026-01-01T00:00:00Z') + i * 1000 })));
    await cursor.compact(Date.parse('2026-01-01T00:01:40Z'));
    await cursor.acknowledge(ids.slice(200, 250).map((key) => ({ key, startedMs: Date.parse('2026-01-02T00:00:00Z') })));
    await cursor.close();
    const reopened = await ExportCursor.open(dir);
    assert.equal(reopened.size, 250);
    assert.equal(reopened.watermark, Date.parse('2026-01-01T00:01:40Z'));
    assert.ok(ids.slice(0, 250).every((id) => reopened.has(id)));
    assert.ok(ids.slice(250).every((id) => !reopened.has(id)), 'never acknowledges what was not acknowledged');
    assert.equal(fs.statSync(path.join(dir, 'journal.bin')).size, 150 * 24, 'only entries newer than the watermark stay in the journal');
  });

  it('ignores a torn journal tail: those records are sent again', async () => {
    const dir = newDir();
    const [a, b] = [randomUUID(), randomUUID()];
    const cursor = await ExportCursor.open(dir);
    await cursor.acknowledge([{ key: a, startedMs: 1 }, { key: b, startedMs: 2 }]);
    const journal = path.join(dir, 'journal.bin');
    fs.truncateSync(journal, 24 + 10);
    const reopened = await ExportCursor.open(dir);
    assert.ok(reopened.has(a));
    assert.ok(!reopened.has(b));
  });

  it('keeps pending task spans', async () => {
    const dir = newDir();
    const cursor = await ExportCursor.open(dir);
    await cursor.updatePendingTasks((tasks) => { tasks.set('task-1', 1000); tasks.set('task-2', 2000); });
    await cursor.updatePendingTasks((tasks) => { tasks.delete('task-1'); });
    assert.deepEqual([...(await ExportCursor.open(dir)).pendingTasks], [['task-2', 2000]]);
  });

  it('one lock holder at a time; a lock left by an exited process is taken over', async () => {
    const dir = newDir();
    const lock = await ExportLock.acquire(dir);
    assert.ok(lock);
    assert.equal(await ExportLock.acquire(dir), undefined, 'held by a live exporter');
    await lock.release();
    const again = await ExportLock.acquire(dir);
    assert.ok(again);
    await again.release();
    // A lock file left by a process that no longer exists.
    fs.writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), token: 'x' }));
    const taken = await ExportLock.acquire(dir);
    assert.ok(taken, 'a dead owner does not block');
    await taken.release();
  });

  it('keys an endpoint by where spans go, never by credentials or headers', () => {
    assert.equal(endpointKey('https://otel.example.com:4318/v1/traces'), endpointKey('https://OTEL.example.com:4318/v1/traces'));
    assert.notEqual(endpointKey('https://otel.example.com:4318/v1/traces'), endpointKey('https://other.example.com:4318/v1/traces'));
    assert.match(endpointKey('https://otel.example.com/v1/traces'), /^[0-9a-f]{16}$/);
    assert.equal(displayUrl('https://otel.example.com:4318/v1/traces'), 'https://otel.example.com:4318/v1/traces');
    assert.match(String(endpointProblem('https://user:secret@otel.example.com')), /user name or password/);
    assert.match(String(endpointProblem('https://otel.example.com/?api_key=1')), /query/);
    assert.match(String(endpointProblem('ftp://otel.example.com')), /http/);
  });

  it('resolves endpoints and protocols like the OTLP exporter specification', () => {
    assert.deepEqual(signalUrls('http://localhost:4318'), { traces: 'http://localhost:4318/v1/traces', metrics: 'http://localhost:4318/v1/metrics' });
    assert.deepEqual(signalUrls('http://localhost:4318/otlp/v1/traces'), { traces: 'http://localhost:4318/otlp/v1/traces', metrics: 'http://localhost:4318/otlp/v1/metrics' });
    const fromEnv = resolveOtlpTarget({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    assert.deepEqual(fromEnv, { traces: { url: 'http://traces:9999/custom', protocol: 'http/json' }, metrics: { url: 'http://collector:4318/v1/metrics', protocol: 'http/json' } });
    const flag = resolveOtlpTarget({ endpoint: 'http://flag:4318', protocol: 'http/protobuf', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    assert.equal(flag.traces.url, 'http://flag:4318/v1/traces', 'a flag wins over the environment');
    assert.equal(flag.traces.protocol, 'http/protobuf');
    assert.equal(resolveOtlpTarget({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' } }).metrics.protocol, 'http/protobuf');
    assert.throws(() => resolveOtlpTarget({ env: {} }), OtlpConfigError);
    assert.throws(() => resolveOtlpTarget({ endpoint: 'http://c:4317', protocol: 'grpc' }), /grpc is not supported/);
  });
});
