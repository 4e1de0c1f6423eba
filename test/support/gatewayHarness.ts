/**
 * A metering gateway in front of a local protocol server, with a real ledger in a temp folder: what
 * the gateway tests and the bench start. Plain Node, no test-framework imports.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Spend } from '../../src/core/budget/budget';
import type { GatewayBudgetLimits } from '../../src/core/budget/taskBudget';
import { Ledger, type UsageRecord } from '../../src/core/ledger';
import { DEFAULT_PROFILE } from '../../src/core/pricing';
import { Gateway, type GatewayHost, type GatewayProvider, newGatewayToken } from '../../src/gateway';
import { type ProtocolScript, type ProtocolServer, startProtocolServer } from './protocolServer';

/** The "real" provider key: it must reach the upstream and nothing else. */
export const REAL_KEY = 'sk-proj-REALKEY0123456789abcdefXYZ';

export interface GatewayHarnessOptions {
  readonly budget?: { readonly enforce: boolean; readonly limits: GatewayBudgetLimits };
  readonly spend?: () => Spend;
  readonly maxBodyBytes?: number;
  readonly storePrompts?: boolean;
  /** Providers instead of the default `openai` and `anthropic` ones pointing at the protocol server. */
  readonly providers?: (upstreamUrl: string) => GatewayProvider[];
  /** A slow ledger (ms added to every append), to show appends are off the streaming path. */
  readonly appendDelayMs?: number;
  /** An upstream already started (e.g. the caching upstream) instead of a protocol server playing `script`; closed with the harness. */
  readonly upstream?: ProtocolServer;
  /** The gateway's clock (send times, cache lifetimes). */
  readonly now?: () => Date;
}

export interface GatewayHarness {
  readonly gateway: Gateway;
  readonly upstream: ProtocolServer;
  readonly ledger: Ledger;
  readonly dir: string;
  readonly token: string;
  /** Every line the gateway logged. */
  readonly logs: string[];
  /** `http://127.0.0.1:<port>/openai` */
  readonly openaiBase: string;
  /** `http://127.0.0.1:<port>/anthropic` */
  readonly anthropicBase: string;
  /** Waits until the ledger holds `count` records (appends happen after the answer ended), then returns them oldest first. */
  records(count: number, timeoutMs?: number): Promise<UsageRecord[]>;
  close(): Promise<void>;
}

export async function startGatewayHarness(script: ProtocolScript, options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const upstream = options.upstream ?? await startProtocolServer(script);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cm-gateway-'));
  const { ledger } = await Ledger.open(dir, { writerId: 'gateway-test' });
  const logs: string[] = [];
  const providers = options.providers?.(upstream.url) ?? [
    { id: 'openai', kind: 'openai', baseUrl: `${upstream.url}/v1`, headers: {} },
    { id: 'anthropic', kind: 'anthropic', baseUrl: upstream.url, headers: {} },
  ];
  const host: GatewayHost = {
    providers: () => providers,
    apiKey: async () => REAL_KEY,
    append: async (record) => {
      if (options.appendDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, options.appendDelayMs));
      }
      await ledger.append(record);
    },
    profile: () => DEFAULT_PROFILE,
    budget: () => options.budget ?? { enforce: false, limits: { daily: null, monthly: null, perTask: null } },
    spend: options.spend ?? (() => ({ today: 0, month: 0 })),
    storePrompts: () => options.storePrompts ?? true,
    log: {
      info: (message) => logs.push(`info ${message}`),
      warn: (message) => logs.push(`warn ${message}`),
      error: (message, error) => logs.push(`error ${message} ${error instanceof Error ? error.message : String(error ?? '')}`),
    },
  };
  const token = newGatewayToken();
  const gateway = await Gateway.start({ host, token, ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}), ...(options.now ? { now: options.now } : {}) });
  return {
    gateway,
    upstream,
    ledger,
    dir,
    token,
    logs,
    openaiBase: `${gateway.url}/openai`,
    anthropicBase: `${gateway.url}/anthropic`,
    async records(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (ledger.size < count) {
        if (Date.now() > deadline) {
          throw new Error(`the ledger holds ${ledger.size} records, expected ${count}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await gateway.flush();
      return ledger.query({});
    },
    async close() {
      await gateway.close(1000);
      await upstream.close();
      await ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
