/**
 * The metering gateway against a direct connection to the same local upstream, side by side:
 * - added time to first byte, p50 / p99 (target ≤ 2 / 5 ms), keep-alive connections both ways;
 * - added delay per chunk of a stream (upstream writes a chunk every 5 ms stamped with its send time);
 * - throughput of 50 concurrent streams;
 * - memory per open stream (200 streams held open, settled heap + external, gateway minus direct);
 * - that ledger appends are off the streaming path: with every append slowed by 50 ms, the client
 *   still sees the end of each answer before its record's append starts, and no later.
 * The estimate before forwarding (budget enforcement on) is shown for an agent-sized request, with
 * no target: it only runs when budgets are enforced.
 * Everything runs in this one process: client, gateway and upstream share the event loop, which
 * makes the gateway's figures conservative.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger, type UsageRecord } from '../src/core/ledger';
import { DEFAULT_PROFILE } from '../src/core/pricing';
import { warmUp } from '../src/core/tokens';
import { Gateway, newGatewayToken } from '../src/gateway';
import { cpuNowMs, ms, settledMemory } from './measure';
import { type BenchRow, mb, percentile } from './table';

const AREA = 'gateway';
const TTFB_REQUESTS = 400;
const CHUNK_STREAMS = 20;
const CHUNKS_PER_STREAM = 40;
const CHUNK_GAP_MS = 5;
const CONCURRENT = 50;
const THROUGHPUT_CHUNKS = 400;
const OPEN_STREAMS = 200;
const APPEND_DELAY_MS = 50;
const SAMPLE_GAP_MS = 5;

const CHUNK_BODY = 'x'.repeat(160);
const DONE = 'data: [DONE]\n\n';

function chunk(index: number): string {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","model":"gpt-4.1","choices":[{"index":0,"delta":{"content":"${CHUNK_BODY}"},"finish_reason":null}],"t":${performance.now().toFixed(3)},"i":${index}}\n\n`;
}

const USAGE = 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":200,"total_tokens":1400}}\n\n';

/** The upstream: `/v1/chat/completions` streams `chunks` chunks `gap` ms apart (from the request's query), or holds the stream open. */
async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const chunks = Number(query.get('chunks') ?? '1');
      const gap = Number(query.get('gap') ?? '0');
      const hold = query.get('hold') === '1';
      res.socket?.setNoDelay(true);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      let sent = 0;
      const next = (): void => {
        if (res.destroyed) {
          return;
        }
        if (sent < chunks) {
          res.write(chunk(sent++));
          if (hold && sent === chunks) {
            return;
          }
          if (gap > 0) {
            setTimeout(next, gap);
          } else {
            setImmediate(next);
          }
          return;
        }
        res.end(USAGE + DONE);
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface StreamTiming {
  readonly ttfb: number;
  readonly total: number;
  readonly end: number;
  /** Arrival minus send time of each chunk, ms. */
  readonly chunkDelays: number[];
  readonly bytes: number;
}

const BODY = JSON.stringify({ model: 'gpt-4.1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Explain this function' }] });

function stream(agent: http.Agent, base: string, query: string, headers: Record<string, string>, options: { body?: string; onOpen?: (req: http.ClientRequest) => void } = {}): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const body = options.body ?? BODY;
    const started = performance.now();
    let ttfb = -1;
    let bytes = 0;
    const chunkDelays: number[] = [];
    let pending = '';
    const req = http.request(`${base}/chat/completions?${query}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      res.on('data', (data: Buffer) => {
        const now = performance.now();
        if (ttfb < 0) {
          ttfb = now - started;
        }
        bytes += data.length;
        pending += data.toString('latin1');
        let at: number;
        while ((at = pending.indexOf('\n\n')) >= 0) {
          const event = pending.slice(0, at);
          pending = pending.slice(at + 2);
          const stamp = /"t":([\d.]+)/.exec(event);
          if (stamp) {
            chunkDelays.push(now - Number(stamp[1]));
          }
        }
      });
      res.on('end', () => {
        const end = performance.now();
        resolve({ ttfb, total: end - started, end, chunkDelays, bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    options.onOpen?.(req);
    req.end(body);
  });
}

/**
 * TTFB samples: the time to the response's first body byte (the upstream writes its first chunk at
 * once). Requests follow each other 5 ms apart, as an agent's rounds do (seconds apart, in truth):
 * the record of the previous request (estimate, price, ledger append) is written after its answer
 * ended and is not part of the next request's path.
 */
async function ttfbSamples(agent: http.Agent, base: string, headers: Record<string, string>, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    samples.push((await stream(agent, base, 'chunks=1', headers)).ttfb);
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
  }
  return samples;
}

function rowMs(metric: string, value: number, target?: number): BenchRow {
  return { area: AREA, metric, value: ms(value), ...(target !== undefined ? { target: `≤ ${ms(target)}`, ok: value <= target } : {}) };
}

export async function run(): Promise<BenchRow[]> {
  await warmUp(['o200k_base']);
  const rows: BenchRow[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-bench-gateway-'));
  const upstream = await startUpstream();
  const { ledger } = await Ledger.open(dir, { writerId: 'bench' });
  let appendDelay = 0;
  /** When each record's (possibly slowed) append finished. */
  const appendsDone = new Map<string, number>();
  const token = newGatewayToken();
  const enforce = { value: false };
  const gateway = await Gateway.start({
    token,
    host: {
      providers: () => [{ id: 'openai', kind: 'openai', baseUrl: `${upstream.url}/v1` }],
      apiKey: async () => 'sk-bench-0123456789abcdef',
      append: async (record: UsageRecord) => {
        if (appendDelay > 0) {
          await new Promise((resolve) => setTimeout(resolve, appendDelay));
        }
        await ledger.append(record);
        appendsDone.set(record.id, performance.now());
      },
      profile: () => DEFAULT_PROFILE,
      budget: () => ({ enforce: enforce.value, limits: { daily: 1e9, monthly: null, perTask: null } }),
      spend: () => ({ today: 0, month: 0 }),
      storePrompts: () => false,
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const direct = `${upstream.url}/v1`;
  const viaGateway = `${gateway.url}/openai`;
  const auth = { authorization: `Bearer ${token}` };
  try {
    // Warm both paths (connections, JIT, the tokenizer).
    await ttfbSamples(agent, direct, {}, 50);
    await ttfbSamples(agent, viaGateway, auth, 50);

    // Interleaved so a busy moment of the machine hits both paths alike.
    const directTtfb: number[] = [];
    const gatewayTtfb: number[] = [];
    let directCpu = 0;
    let gatewayCpu = 0;
    for (let i = 0; i < TTFB_REQUESTS / 20; i++) {
      let cpu = cpuNowMs();
      directTtfb.push(...(await ttfbSamples(agent, direct, {}, 10)));
      directCpu += cpuNowMs() - cpu;
      cpu = cpuNowMs();
      gatewayTtfb.push(...(await ttfbSamples(agent, viaGateway, auth, 10)));
      await gateway.flush();
      gatewayCpu += cpuNowMs() - cpu;
    }
    const p50 = percentile(gatewayTtfb, 50) - percentile(directTtfb, 50);
    const p99 = percentile(gatewayTtfb, 99) - percentile(directTtfb, 99);
    rows.push({ area: AREA, metric: `time to first byte, direct p50 / p99 (${TTFB_REQUESTS} streams)`, value: `${ms(percentile(directTtfb, 50))} / ${ms(percentile(directTtfb, 99))}` });
    rows.push({ area: AREA, metric: 'time to first byte, through the gateway p50 / p99', value: `${ms(percentile(gatewayTtfb, 50))} / ${ms(percentile(gatewayTtfb, 99))}` });
    // CPU time is steadier than wall time on a shared machine: this process runs client, upstream and gateway.
    rows.push({ area: AREA, metric: 'CPU per request, direct / through the gateway (record and append included)', value: `${ms(directCpu / (TTFB_REQUESTS / 2))} / ${ms(gatewayCpu / (TTFB_REQUESTS / 2))}` });
    rows.push(rowMs('added time to first byte p50', p50, 2));
    rows.push(rowMs('added time to first byte p99', p99, 5));

    // Per-chunk delay: chunks stamped with their send time, 5 ms apart.
    const directDelays: number[] = [];
    const gatewayDelays: number[] = [];
    for (let i = 0; i < CHUNK_STREAMS; i++) {
      directDelays.push(...(await stream(agent, direct, `chunks=${CHUNKS_PER_STREAM}&gap=${CHUNK_GAP_MS}`, {})).chunkDelays);
      gatewayDelays.push(...(await stream(agent, viaGateway, `chunks=${CHUNKS_PER_STREAM}&gap=${CHUNK_GAP_MS}`, auth)).chunkDelays);
    }
    rows.push({
      area: AREA,
      metric: `added delay per chunk p50 / p99 (${directDelays.length} chunks)`,
      value: `${ms(percentile(gatewayDelays, 50) - percentile(directDelays, 50))} / ${ms(percentile(gatewayDelays, 99) - percentile(directDelays, 99))}`,
    });

    // Throughput: 50 streams at once, each as fast as the upstream writes.
    const throughput = async (base: string, headers: Record<string, string>): Promise<{ mbPerS: number; chunksPerS: number }> => {
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: CONCURRENT }, () => stream(agent, base, `chunks=${THROUGHPUT_CHUNKS}`, headers)));
      const seconds = (performance.now() - started) / 1000;
      const bytes = results.reduce((sum, result) => sum + result.bytes, 0);
      return { mbPerS: bytes / (1024 * 1024) / seconds, chunksPerS: (CONCURRENT * THROUGHPUT_CHUNKS) / seconds };
    };
    await throughput(viaGateway, auth);
    const directRate = await throughput(direct, {});
    const gatewayRate = await throughput(viaGateway, auth);
    rows.push({
      area: AREA,
      metric: `throughput, ${CONCURRENT} concurrent streams: direct / gateway`,
      value: `${directRate.mbPerS.toFixed(1)} / ${gatewayRate.mbPerS.toFixed(1)} MB/s (${Math.round(directRate.chunksPerS).toLocaleString('en-US')} / ${Math.round(gatewayRate.chunksPerS).toLocaleString('en-US')} chunks/s)`,
    });

    // Memory per open stream: streams held open after their first chunk.
    const held = async (base: string, headers: Record<string, string>): Promise<number> => {
      const before = settledMemory().heap;
      const requests: http.ClientRequest[] = [];
      const opened = Array.from({ length: OPEN_STREAMS }, () => new Promise<void>((resolve) => {
        void stream(agent, base, 'chunks=1&hold=1', headers, {
          onOpen: (req) => {
            requests.push(req);
            req.on('response', (res) => res.once('data', () => resolve()));
          },
        }).catch(() => undefined);
      }));
      await Promise.all(opened);
      const after = settledMemory().heap;
      for (const req of requests) {
        req.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (after - before) / OPEN_STREAMS;
    };
    const directHeld = await held(direct, {});
    const gatewayHeld = await held(viaGateway, auth);
    await gateway.flush();
    rows.push({ area: AREA, metric: `memory per open stream, gateway's share (${OPEN_STREAMS} held open)`, value: `${(Math.max(0, gatewayHeld - directHeld) / 1024).toFixed(1)} KB (direct ${(directHeld / 1024).toFixed(1)} KB)` });

    // Ledger appends off the streaming path: every append slowed by 50 ms (a slow disk's fsync).
    await gateway.flush();
    const fastTotals: number[] = [];
    for (let i = 0; i < 40; i++) {
      fastTotals.push((await stream(agent, viaGateway, 'chunks=5', auth)).total);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
    }
    await gateway.flush();
    appendDelay = APPEND_DELAY_MS;
    const slowTotals: number[] = [];
    const ends: number[] = [];
    const known = new Set(appendsDone.keys());
    for (let i = 0; i < 40; i++) {
      const timing = await stream(agent, viaGateway, 'chunks=5', auth);
      slowTotals.push(timing.total);
      ends.push(timing.end);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_GAP_MS));
    }
    await gateway.flush();
    appendDelay = 0;
    // Each slowed append finished after its client already had the whole answer.
    const done = [...appendsDone.entries()].filter(([id]) => !known.has(id)).map(([, at]) => at).sort((a, b) => a - b);
    const before = ends.filter((end, index) => done[index] !== undefined && end < done[index]).length;
    rows.push({
      area: AREA,
      metric: `ledger appends off the streaming path (every append slowed by ${APPEND_DELAY_MS} ms)`,
      value: `answer complete before its record was written ${before}/40; total p50 ${ms(percentile(fastTotals, 50))} → ${ms(percentile(slowTotals, 50))}`,
      target: '40/40, total not slowed',
      ok: before === 40 && percentile(slowTotals, 50) - percentile(fastTotals, 50) < APPEND_DELAY_MS / 2,
    });

    // The estimate on the request path, with budgets enforced: an agent-sized request (60 messages, ~80 KB).
    const messages = Array.from({ length: 60 }, (_unused, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `Round ${i}: ${'const value = compute(input, options); '.repeat(32)}` }));
    const agentBody = JSON.stringify({ model: 'gpt-4.1', stream: true, messages });
    enforce.value = true;
    const enforced: number[] = [];
    const notEnforced: number[] = [];
    for (let i = 0; i < 60; i++) {
      enforce.value = true;
      enforced.push((await stream(agent, viaGateway, 'chunks=1', auth, { body: agentBody })).ttfb);
      enforce.value = false;
      notEnforced.push((await stream(agent, viaGateway, 'chunks=1', auth, { body: agentBody })).ttfb);
    }
    rows.push({
      area: AREA,
      metric: `estimate on the path with budgets enforced (${mb(Buffer.byteLength(agentBody))} agent request, TTFB p50)`,
      value: `${ms(percentile(enforced, 50))} enforced vs ${ms(percentile(notEnforced, 50))} not`,
    });
  } finally {
    agent.destroy();
    await gateway.close(500);
    await upstream.close();
    await ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
