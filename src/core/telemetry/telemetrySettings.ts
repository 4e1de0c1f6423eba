/**
 * The `creditMeter.telemetry.*` settings, validated one by one (see `src/core/settings/settings.ts`).
 * All of them decide where usage data goes or what it says, so none is taken from an untrusted
 * workspace. Header values never live here: only their names; the values are in SecretStorage.
 */
import { z } from 'zod';
import { endpointProblem, OTLP_PROTOCOLS } from './otlpEndpoint';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** An attribute key as the conventions spell them: lower-case words joined by `.` or `_`. */
const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

export const telemetrySettingFields = {
  'telemetry.enabled': { schema: z.boolean(), fallback: false },
  'telemetry.otlpEndpoint': {
    schema: z.string().trim().superRefine((text, ctx) => {
      const problem = text === '' ? undefined : endpointProblem(text);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
    fallback: '',
  },
  'telemetry.otlpProtocol': { schema: z.enum(OTLP_PROTOCOLS), fallback: 'http/protobuf' as (typeof OTLP_PROTOCOLS)[number] },
  'telemetry.headers': {
    schema: z.array(z.string().regex(HEADER_NAME, 'an HTTP header name')).max(16),
    fallback: [] as string[],
  },
  'telemetry.resourceAttributes': {
    schema: z.record(z.string().regex(ATTRIBUTE_KEY, 'an attribute key like user.name'), z.string().max(256)).refine(
      (attributes) => Object.keys(attributes).length <= 32, 'at most 32 attributes'),
    fallback: {} as Record<string, string>,
  },
  'telemetry.includeContent': { schema: z.boolean(), fallback: false },
} as const;

export interface TelemetrySettings {
  readonly enabled: boolean;
  /** Base OTLP/HTTP endpoint (`/v1/traces` and `/v1/metrics` are appended); empty when not set. */
  readonly otlpEndpoint: string;
  readonly otlpProtocol: (typeof OTLP_PROTOCOLS)[number];
  /** Names of headers sent with every export; their values are secrets, kept in SecretStorage. */
  readonly headers: readonly string[];
  /** Resource attributes for the team view, e.g. `{ "user.name": "alice", "credit_meter.team": "payments" }`. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Send prompt, system text and context labels too. */
  readonly includeContent: boolean;
}

/** Keys of the telemetry settings (all restricted in untrusted workspaces). */
export const TELEMETRY_SETTING_KEYS = Object.keys(telemetrySettingFields) as Array<keyof typeof telemetrySettingFields>;
