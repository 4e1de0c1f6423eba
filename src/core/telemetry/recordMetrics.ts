/**
 * What one acknowledged record adds to the metrics: its input and output tokens to the
 * `gen_ai.client.token.usage` histogram (input counts cache reads and writes, as on the span), and
 * its credits to the `credit_meter.credits` counter, with model, provider, request kind and status
 * as attributes. A `blocked` record was never sent: it used no tokens and adds nothing.
 */
import { totalInput, type UsageRecord } from '../ledger/usageRecord';
import { CREDIT_METER, GEN_AI, GENERAL, OPERATION, TOKEN_TYPE } from './genAiAttributes';
import { providerNameOf } from './providerName';
import { errorTypeOf } from './recordSpan';

export interface MetricPoints {
  readonly tokens: ReadonlyArray<{ readonly type: (typeof TOKEN_TYPE)[keyof typeof TOKEN_TYPE]; readonly value: number }>;
  /** Null when the record has no known charge. */
  readonly credits: number | null;
  /** Low-cardinality attributes shared by every point of the record. */
  readonly attributes: Readonly<Record<string, string>>;
}

export function metricPointsOf(record: UsageRecord): MetricPoints {
  const errorType = errorTypeOf(record.outcome);
  const attributes: Record<string, string> = {
    [GEN_AI.operationName]: OPERATION.chat,
    [GEN_AI.providerName]: providerNameOf(record.provider, record.baseUrlHost),
    [GEN_AI.requestModel]: record.modelRequested,
    ...(record.modelServed !== null ? { [GEN_AI.responseModel]: record.modelServed } : {}),
    [CREDIT_METER.requestKind]: record.kind,
    [CREDIT_METER.status]: record.outcome.status,
    ...(errorType !== undefined ? { [GENERAL.errorType]: errorType } : {}),
  };
  const tokens = record.outcome.status === 'blocked'
    ? []
    : [{ type: TOKEN_TYPE.input, value: totalInput(record.tokens) }, { type: TOKEN_TYPE.output, value: record.tokens.output }];
  return { tokens, credits: record.cost.credits, attributes };
}
