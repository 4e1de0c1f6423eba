/** Usage export: CSV / JSON / JSON Lines, streamed, with an atomic file writer. */
export { CSV_COLUMNS, CSV_PROMPT_COLUMNS, csvColumns } from './csvColumns';
export type { CsvColumn, CsvCellKind, ExportRecord } from './csvColumns';
export { csvText, csvNumber } from './csvCell';
export { csvRow, csvRowFromColumns } from './csvRow';
export { EXPORT_FORMATS, exportable, skippedLines, writeExport } from './writeExport';
export type { ExportFormat, ExportOptions, ExportResult, SkippedLines } from './writeExport';
export { EmptyExportError, exportToFile } from './exportToFile';
export type { ExportFileResult, ExportToFileOptions } from './exportToFile';
