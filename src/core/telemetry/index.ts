/** Usage records as OpenTelemetry GenAI spans and metric points: a pure mapping, no SDK. */
export * from './genAiAttributes';
export { traceIdOf, spanIdOf, taskSpanIdOf, taskAckKeyOf } from './spanIds';
export { providerNameOf, splitHost } from './providerName';
export { recordSpan, taskSpan, isTaskRecord, errorTypeOf } from './recordSpan';
export type { SpanData, MappingOptions, Attributes, AttributeValue } from './recordSpan';
export { metricPointsOf } from './recordMetrics';
export type { MetricPoints } from './recordMetrics';
export {
  OTLP_PROTOCOLS, DEFAULT_OTLP_PROTOCOL, OtlpConfigError, endpointProblem, signalUrls, parseProtocol, resolveOtlpTarget, displayUrl, endpointKey,
} from './otlpEndpoint';
export type { OtlpProtocol, OtlpTarget, OtlpSignalTarget, ResolveOptions } from './otlpEndpoint';
export { telemetrySettingFields, TELEMETRY_SETTING_KEYS } from './telemetrySettings';
export type { TelemetrySettings } from './telemetrySettings';
export { disclosureText, disclosureFingerprint, SENT_ATTRIBUTES, CONTENT_ATTRIBUTES } from './disclosure';
export type { DisclosureSubject } from './disclosure';
