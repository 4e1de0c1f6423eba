/** What a host (the CLI, the extension) gives the gateway, and what it gets back. */
import type { GatewayBudgetLimits } from '../core/budget/taskBudget';
import type { Spend } from '../core/budget/budget';
import type { HistoryRecord } from '../core/estimate/outputModel';
import type { UsageRecord } from '../core/ledger/usageRecord';
import type { CreditProfile } from '../core/pricing';
import type { CalibrationTable } from '../core/tokens';

/** A configured provider the gateway forwards to (the `creditMeter.providers` entries of kind openai / anthropic). */
export interface GatewayProvider {
  readonly id: string;
  readonly kind: 'openai' | 'anthropic';
  readonly baseUrl: string;
  /** Extra request headers (not secrets). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A response header carrying the credits the service charged. */
  readonly creditsHeader?: string;
  /** A response header naming the serving region. */
  readonly regionHeader?: string;
}

export interface GatewayLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface GatewayBudget {
  /** Refuse requests whose high estimate would cross a budget. */
  readonly enforce: boolean;
  readonly limits: GatewayBudgetLimits;
}

/** Everything the gateway needs from its host, read when a request arrives (so setting changes apply at once). */
export interface GatewayHost {
  providers(): readonly GatewayProvider[];
  /** The real API key of a provider: SecretStorage in the extension, the environment in the CLI. */
  apiKey(providerId: string): Promise<string | undefined>;
  /** Appends one usage record (the ledger). Called after the response has ended, never before. */
  append(record: UsageRecord): Promise<void>;
  profile(): CreditProfile;
  budget(): GatewayBudget;
  /** Credits charged today and this month, as recorded. */
  spend(): Spend;
  /** Past requests the output model learns from. */
  history?(): readonly HistoryRecord[];
  calibration?(): CalibrationTable;
  /** Keep the prompt and system text in records (`creditMeter.storePrompts`). */
  storePrompts?(): boolean;
  readonly log?: GatewayLog;
}

export interface GatewayOptions {
  readonly host: GatewayHost;
  readonly token: string;
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** Request bodies above this many bytes are refused with 413 (default `MAX_BODY_BYTES`). */
  readonly maxBodyBytes?: number;
  readonly now?: () => Date;
}
