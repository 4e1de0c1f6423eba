/** OpenTelemetry SDK wiring: OTLP exporters, the per-endpoint cursor, the ledger exporter. No vscode. */
export { LedgerExporter, ExportLockedError } from './ledgerExporter';
export type { LedgerExporterOptions, ExportStats, ExporterState, BackoffOptions } from './ledgerExporter';
export { ExportCursor, ExportLock, TELEMETRY_DIR, cursorKey } from './exportCursor';
export { createOtlpExporters } from './otlpExporters';
export type { ExporterOptions, OtlpExporters } from './otlpExporters';
