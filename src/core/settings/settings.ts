/**
 * Credit Meter's settings as typed values. `src/extension/config.ts` reads the raw values from VS Code
 * (trust-aware, see `effectiveValue.ts`) and passes them here; each key is validated on its own, so one
 * bad value falls back to its default and is reported by name instead of disabling everything.
 */
import { z } from 'zod';
import { TELEMETRY_SETTING_KEYS, telemetrySettingFields, type TelemetrySettings } from '../telemetry/telemetrySettings';

export const SETTINGS_SECTION = 'creditMeter';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'vscode-lm'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ProviderConfig = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, `_`, `.` or `-` only'),
  kind: z.enum(PROVIDER_KINDS),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  models: z.array(z.string().min(1)).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  creditsHeader: z.string().min(1).optional(),
  regionHeader: z.string().min(1).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

const providerList = z.array(ProviderConfig).superRefine((providers, ctx) => {
  const seen = new Set<string>();
  providers.forEach((provider, index) => {
    if (seen.has(provider.id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate provider id "${provider.id}"` });
    }
    seen.add(provider.id);
    if (provider.kind !== 'vscode-lm' && !provider.baseUrl) {
      ctx.addIssue({ code: 'custom', path: [index, 'baseUrl'], message: `required for kind "${provider.kind}"` });
    }
  });
});

const budget = z.number().nonnegative().nullable();

/**
 * The model new requests use until the user picks one: a current model (Claude Sonnet 5 is in the
 * price catalogue and on no deprecation list; Sonnet 4.5, the earlier default, retires 2026-11-30).
 */
export const DEFAULT_MODEL_REF = 'anthropic:claude-sonnet-5';
/** `<provider id>:<model id>`; the manifest declares the same pattern for the setting (a test keeps them equal). */
export const MODEL_REF_PATTERN = /^[A-Za-z0-9_.-]+:.+$/;
/** Sent as the system message of every request, counted in every estimate (the CLI's default too). */
export const DEFAULT_SYSTEM_PROMPT = 'You are a concise coding assistant. Answer with the code change and a short explanation.';

/**
 * The longest system prompt accepted (characters, about 8,000 tokens): it is sent, and paid for, with
 * every request, so a runaway value must not be used silently.
 */
export const SYSTEM_PROMPT_MAX_CHARS = 32_000;

/** Bounds of the deadlines, in seconds (the manifest declares the same). */
export const REQUEST_TIMEOUT_SECONDS = { min: 10, max: 3600, fallback: 600 } as const;
export const ERROR_BODY_TIMEOUT_SECONDS = { min: 1, max: 120, fallback: 10 } as const;

function seconds(bounds: { readonly min: number; readonly max: number }) {
  const message = `expected a whole number of seconds from ${bounds.min} to ${bounds.max}`;
  return z.number({ error: message }).int({ error: message }).min(bounds.min, { error: message }).max(bounds.max, { error: message });
}

/** One schema and one default per setting key (the key without the `creditMeter.` prefix). */
const fields = {
  providers: {
    schema: providerList,
    fallback: [
      { id: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', models: ['claude-sonnet-5', 'claude-opus-5-5', 'claude-haiku-4-5'], headers: {} },
      { id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', models: ['gpt-5.5', 'gpt-5.4-mini', 'gpt-4.1'], headers: {} },
    ] as ProviderConfig[],
  },
  defaultModel: { schema: z.string().regex(MODEL_REF_PATTERN, 'expected "<provider id>:<model id>"'), fallback: DEFAULT_MODEL_REF },
  systemPrompt: {
    schema: z.string().max(SYSTEM_PROMPT_MAX_CHARS, {
      error: (issue) => `at most ${SYSTEM_PROMPT_MAX_CHARS.toLocaleString('en-US')} characters, got ${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en-US') : 'more'}`,
    }),
    fallback: DEFAULT_SYSTEM_PROMPT,
  },
  maxRetries: { schema: z.number().int().min(0).max(6), fallback: 2 },
  requestTimeoutSeconds: { schema: seconds(REQUEST_TIMEOUT_SECONDS), fallback: REQUEST_TIMEOUT_SECONDS.fallback as number },
  errorBodyTimeoutSeconds: { schema: seconds(ERROR_BODY_TIMEOUT_SECONDS), fallback: ERROR_BODY_TIMEOUT_SECONDS.fallback as number },
  creditProfilePath: { schema: z.string(), fallback: '' },
  creditProfile: { schema: z.record(z.string(), z.unknown()), fallback: {} as Record<string, unknown> },
  'budget.daily': { schema: budget, fallback: null as number | null },
  'budget.monthly': { schema: budget, fallback: null as number | null },
  storePrompts: { schema: z.boolean(), fallback: true },
  includePromptsInExport: { schema: z.boolean(), fallback: false },
  'hoverTips.enabled': { schema: z.boolean(), fallback: true },
  'statusBar.showSelectionEstimate': { schema: z.boolean(), fallback: true },
  ...telemetrySettingFields,
  'budget.perTask': { schema: budget, fallback: null as number | null },
  'gateway.enabled': { schema: z.boolean(), fallback: false },
  'gateway.port': { schema: z.number().int().min(0).max(65535), fallback: 0 },
  'gateway.enforceBudget': { schema: z.boolean(), fallback: false },
  'gateway.terminalEnvironment': { schema: z.array(z.string().regex(/^[a-z-]+$/, 'an assistant id such as "claude-code"')), fallback: [] as string[] },
} as const;

export type SettingKey = keyof typeof fields;
export const SETTING_KEYS = Object.keys(fields) as SettingKey[];

/**
 * Settings that decide where a key or your usage is sent, what is sent with it, or what things cost
 * (and what the user agreed to spend): never taken from an untrusted workspace.
 */
export const RESTRICTED_SETTING_KEYS: readonly SettingKey[] = [
  'providers', 'creditProfilePath', 'creditProfile', 'systemPrompt', 'maxRetries', 'budget.daily', 'budget.monthly',
  ...TELEMETRY_SETTING_KEYS,
  'gateway.enabled', 'gateway.port', 'gateway.terminalEnvironment', 'gateway.enforceBudget', 'budget.perTask',
];

export interface Settings {
  readonly providers: readonly ProviderConfig[];
  readonly defaultModel: string;
  readonly systemPrompt: string;
  readonly maxRetries: number;
  /** The whole request, retries included, must end within this. */
  readonly requestTimeoutSeconds: number;
  /** Reading an HTTP error's body must end within this. */
  readonly errorBodyTimeoutSeconds: number;
  readonly creditProfilePath: string;
  readonly creditProfile: Readonly<Record<string, unknown>>;
  readonly budget: { readonly daily: number | null; readonly monthly: number | null };
  readonly storePrompts: boolean;
  readonly includePromptsInExport: boolean;
  readonly hoverTipsEnabled: boolean;
  readonly showSelectionEstimate: boolean;
  /** Usage as OpenTelemetry spans and metrics to the team's Collector. */
  readonly telemetry: TelemetrySettings;
  /** Credits one gateway task (all its rounds) may cost; null for no cap. */
  readonly budgetPerTask: number | null;
  readonly gateway: {
    readonly enabled: boolean;
    /** 0: any free port, remembered per workspace. */
    readonly port: number;
    /** Refuse requests whose high estimate would cross a budget. */
    readonly enforceBudget: boolean;
    /** Assistants whose base-URL variables are set in new integrated terminals. */
    readonly terminalEnvironment: readonly string[];
  };
}

export interface SettingsProblem {
  /** Full setting name and path, e.g. `creditMeter.providers[1].baseUrl`. */
  readonly field: string;
  readonly message: string;
}

export interface ParsedSettings {
  readonly settings: Settings;
  readonly problems: readonly SettingsProblem[];
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly SettingsProblem[]) {
    super(problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
    this.name = 'SettingsError';
  }
}

function fieldName(key: string, path: readonly PropertyKey[]): string {
  let name = `${SETTINGS_SECTION}.${key}`;
  for (const part of path) {
    name += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return name;
}

function parseField<K extends SettingKey>(key: K, raw: unknown, problems: SettingsProblem[]): z.infer<(typeof fields)[K]['schema']> {
  const field = fields[key];
  if (raw === undefined) {
    return structuredClone(field.fallback) as z.infer<(typeof fields)[K]['schema']>;
  }
  const result = field.schema.safeParse(raw);
  if (result.success) {
    return result.data as z.infer<(typeof fields)[K]['schema']>;
  }
  for (const issue of result.error.issues) {
    problems.push({ field: fieldName(key, issue.path), message: issue.message });
  }
  return structuredClone(field.fallback) as z.infer<(typeof fields)[K]['schema']>;
}

/**
 * Parses raw setting values keyed like `providers` or `budget.daily`. Missing keys take their default;
 * an invalid value takes its default too and is reported in `problems`, naming the field.
 */
export function parseSettings(raw: Readonly<Record<string, unknown>>): ParsedSettings {
  const problems: SettingsProblem[] = [];
  const settings: Settings = {
    providers: parseField('providers', raw.providers, problems),
    defaultModel: parseField('defaultModel', raw.defaultModel, problems),
    systemPrompt: parseField('systemPrompt', raw.systemPrompt, problems),
    maxRetries: parseField('maxRetries', raw.maxRetries, problems),
    requestTimeoutSeconds: parseField('requestTimeoutSeconds', raw.requestTimeoutSeconds, problems),
    errorBodyTimeoutSeconds: parseField('errorBodyTimeoutSeconds', raw.errorBodyTimeoutSeconds, problems),
    creditProfilePath: parseField('creditProfilePath', raw.creditProfilePath, problems),
    creditProfile: parseField('creditProfile', raw.creditProfile, problems),
    budget: {
      daily: parseField('budget.daily', raw['budget.daily'], problems),
      monthly: parseField('budget.monthly', raw['budget.monthly'], problems),
    },
    storePrompts: parseField('storePrompts', raw.storePrompts, problems),
    includePromptsInExport: parseField('includePromptsInExport', raw.includePromptsInExport, problems),
    hoverTipsEnabled: parseField('hoverTips.enabled', raw['hoverTips.enabled'], problems),
    showSelectionEstimate: parseField('statusBar.showSelectionEstimate', raw['statusBar.showSelectionEstimate'], problems),
    telemetry: {
      enabled: parseField('telemetry.enabled', raw['telemetry.enabled'], problems),
      otlpEndpoint: parseField('telemetry.otlpEndpoint', raw['telemetry.otlpEndpoint'], problems),
      otlpProtocol: parseField('telemetry.otlpProtocol', raw['telemetry.otlpProtocol'], problems),
      headers: parseField('telemetry.headers', raw['telemetry.headers'], problems),
      resourceAttributes: parseField('telemetry.resourceAttributes', raw['telemetry.resourceAttributes'], problems),
      includeContent: parseField('telemetry.includeContent', raw['telemetry.includeContent'], problems),
    },
    budgetPerTask: parseField('budget.perTask', raw['budget.perTask'], problems),
    gateway: {
      enabled: parseField('gateway.enabled', raw['gateway.enabled'], problems),
      port: parseField('gateway.port', raw['gateway.port'], problems),
      enforceBudget: parseField('gateway.enforceBudget', raw['gateway.enforceBudget'], problems),
      terminalEnvironment: parseField('gateway.terminalEnvironment', raw['gateway.terminalEnvironment'], problems),
    },
  };
  return { settings, problems };
}

/** Like `parseSettings` but throws a `SettingsError` naming every invalid field. */
export function parseSettingsStrict(raw: Readonly<Record<string, unknown>>): Settings {
  const { settings, problems } = parseSettings(raw);
  if (problems.length > 0) {
    throw new SettingsError(problems);
  }
  return settings;
}

/** The built-in default of one key (what VS Code's manifest declares too; a test keeps them equal). */
export function defaultSettingValue(key: SettingKey): unknown {
  return structuredClone(fields[key].fallback);
}
