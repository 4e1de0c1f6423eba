/**
 * "What will be sent where": the text shown before telemetry sends anything, built from the same
 * attribute names the mapping uses, and a fingerprint of everything it states, so a change of
 * endpoint, protocol, headers, resource attributes or content choice asks again.
 */
import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { CREDIT_METER, GEN_AI, GEN_AI_COST, GENERAL, METRIC } from './genAiAttributes';
import { displayUrl } from './otlpEndpoint';

export interface DisclosureSubject {
  /** The traces URL spans go to. */
  readonly tracesUrl: string;
  readonly protocol: string;
  readonly headers: readonly string[];
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly includeContent: boolean;
}

/** Attribute names sent for every request, by topic (the topic's words looked up when shown; content attributes are listed apart). */
export const SENT_ATTRIBUTES: ReadonlyArray<readonly [() => string, readonly string[]]> = [
  [() => l10n.t('model, provider and server'), [GEN_AI.operationName, GEN_AI.requestModel, GEN_AI.responseModel, GEN_AI.providerName, GENERAL.serverAddress, GENERAL.serverPort]],
  [() => l10n.t('tokens'), [GEN_AI.inputTokens, GEN_AI.outputTokens, GEN_AI.cacheReadInputTokens, GEN_AI.cacheCreationInputTokens, GEN_AI.reasoningOutputTokens]],
  [() => l10n.t('cost and credits'), [GEN_AI_COST.amount, GEN_AI_COST.currency, GEN_AI_COST.source, CREDIT_METER.credits, CREDIT_METER.chargeSource, CREDIT_METER.usageSource]],
  [() => l10n.t('the estimate made before sending'), [CREDIT_METER.estimateLow, CREDIT_METER.estimateExpected, CREDIT_METER.estimateHigh, CREDIT_METER.estimateInputTokens, CREDIT_METER.estimateOutputTokens]],
  [() => l10n.t('request kind and outcome'), [CREDIT_METER.requestKind, CREDIT_METER.status, GENERAL.errorType, GENERAL.httpStatusCode, CREDIT_METER.region]],
  [() => l10n.t('timing'), ['span start and end', GEN_AI.timeToFirstChunk]],
  [() => l10n.t('ids and grouping'), [CREDIT_METER.recordId, CREDIT_METER.turnId, CREDIT_METER.round, CREDIT_METER.attempt, CREDIT_METER.source, CREDIT_METER.client, GEN_AI.conversationId, GEN_AI.agentName, CREDIT_METER.taskRequests, CREDIT_METER.taskRounds]],
  [() => l10n.t('sizes'), [CREDIT_METER.contextTokens, CREDIT_METER.toolCalls]],
];

/** Sent only when content is opted in. */
export const CONTENT_ATTRIBUTES: readonly string[] = [GEN_AI.inputMessages, GEN_AI.systemInstructions, CREDIT_METER.contextLabels, 'the error message (span status)'];

export function disclosureFingerprint(subject: DisclosureSubject): string {
  const canonical = JSON.stringify([
    displayUrl(subject.tracesUrl), subject.protocol, [...subject.headers].map((name) => name.toLowerCase()).sort(),
    Object.entries(subject.resourceAttributes).sort(([a], [b]) => a.localeCompare(b)), subject.includeContent,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The question (one line) and the detail listing exactly what goes where. `backlog`: records already in the ledger. */
export function disclosureText(subject: DisclosureSubject, backlog?: number): { readonly message: string; readonly detail: string } {
  const where = displayUrl(subject.tracesUrl).replace(/\/v1\/traces$/, '');
  const resource = [
    'service.name=credit-meter', 'service.version', l10n.t('service.instance.id (random, per window)'),
    ...Object.entries(subject.resourceAttributes).map(([key, value]) => `${key}=${value}`),
  ];
  const lines = [
    l10n.t('Destination: {0} (OTLP over HTTP, {1}).', where, subject.protocol),
    '',
    l10n.t('For every request, one span "chat <model>" (a gateway task adds one "invoke_agent" span over its rounds) with:'),
    ...SENT_ATTRIBUTES.map(([topic, names]) => `• ${topic()}: ${names.join(', ')}`),
    '',
    l10n.t('Metrics: {0} (input and output tokens) and {1}, by model, provider, request kind and status.', METRIC.tokenUsage.name, METRIC.credits.name),
    l10n.t('Resource: {0}.', resource.join(', ')),
    subject.headers.length > 0 ? l10n.t("Headers: {0} (values from VS Code's secret storage).", subject.headers.join(', ')) : l10n.t('Headers: none.'),
    '',
    subject.includeContent
      ? l10n.t('Prompts and other content ARE sent (creditMeter.telemetry.includeContent is on): {0}.', CONTENT_ATTRIBUTES.join(', '))
      : l10n.t('Prompts, system text, context file names and error messages are NOT sent (creditMeter.telemetry.includeContent is off).'),
    ...(backlog !== undefined ? ['', backlog > 0 ? l10n.t('Up to {0} request(s) already recorded in this workspace are sent first (those this endpoint has not received yet), then each new one.', backlog) : l10n.t('Each new request is sent after it is recorded.')] : []),
  ];
  return { message: l10n.t('Send Credit Meter usage telemetry to {0}?', where), detail: lines.join('\n') };
}
