/**
 * `credit-meter estimate --request FILE`: a raw request body (Chat Completions, Responses or Messages
 * JSON) estimated by the core's raw-request estimator, the same one the metering gateway uses.
 */
import { RAW_REQUEST_FORMATS, RawRequestError, type RawRequestEstimate, estimateRawRequest, isRawRequestFormat } from '../core/estimate/rawRequest';
import type { CreditProfile } from '../core/pricing';
import { readInputFile } from './cliOptions';
import { CliError, type CliIo } from './io';

export interface RequestFileOptions {
  readonly request?: string;
  readonly format?: string;
  readonly model?: string;
  readonly provider?: string;
  readonly prompt?: string;
  readonly 'prompt-file'?: string;
  readonly context?: string[];
  readonly system?: string[];
  readonly kind?: string;
  readonly rounds?: string;
}

/** Options that describe a draft, which a raw request already is. */
const DRAFT_OPTIONS = ['prompt', 'prompt-file', 'context', 'system', 'kind', 'rounds'] as const;

export async function estimateRequestFile(io: CliIo, values: RequestFileOptions, profile: CreditProfile): Promise<RawRequestEstimate> {
  if (values.request === undefined) {
    throw new CliError('--format needs --request FILE (try --help)');
  }
  const clash = DRAFT_OPTIONS.find((name) => values[name] !== undefined);
  if (clash) {
    throw new CliError(`--${clash} describes a draft; a --request body already holds its messages`);
  }
  if (values.format !== undefined && !isRawRequestFormat(values.format)) {
    throw new CliError(`--format must be one of ${RAW_REQUEST_FORMATS.join(', ')}, got '${values.format}'`);
  }
  const source = values.request === '-' ? await io.readStdin() : await readInputFile(io, values.request, 'request file');
  let body: unknown;
  try {
    body = JSON.parse(source) as unknown;
  } catch (error) {
    throw new CliError(`${values.request === '-' ? 'stdin' : `'${values.request}'`} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const model = values.model?.trim();
  if (model && body && typeof body === 'object' && !Array.isArray(body)) {
    body = { ...(body as Record<string, unknown>), model };
  }
  let estimate: RawRequestEstimate;
  try {
    estimate = estimateRawRequest(body, {
      profile,
      ...(values.format !== undefined ? { format: values.format as RawRequestEstimate['format'] } : {}),
      ...(values.provider ? { providerHints: { providerId: values.provider } } : {}),
    });
  } catch (error) {
    if (error instanceof RawRequestError) {
      throw new CliError(`${values.request === '-' ? 'stdin' : values.request}: ${error.message}`);
    }
    throw error;
  }
  if (estimate.cost.kind === 'noPrice') {
    throw new CliError(`${estimate.cost.reason} (or pass --provider, or --profile with a price for it)`);
  }
  return estimate;
}
