/**
 * The calibration table of proxy-counted model families, learned from what providers reported and
 * kept in `globalState` so every window and every reload starts from what was learned.
 */
import type * as vscode from 'vscode';
import type { DraftEstimate } from '../send/draftEstimator';
import type { TurnResult } from '../send/turnRunner';
import { learnCalibration } from '../core/estimate/learnCalibration';
import { CalibrationTable } from '../core/tokens';

const CALIBRATION_KEY = 'creditMeter.calibration';

export class CalibrationStore {
  private current: CalibrationTable;

  constructor(private readonly globalState: vscode.Memento, log: vscode.LogOutputChannel) {
    this.current = restore(globalState, log);
  }

  get table(): CalibrationTable {
    return this.current;
  }

  /** Puts back a table saved with `toJSON()` (and its saved copy). */
  async replace(json: unknown): Promise<void> {
    this.current = CalibrationTable.fromJSON(json);
    await this.globalState.update(CALIBRATION_KEY, this.current.toJSON());
  }

  /** Teaches the table from provider-reported input vs our count, and keeps it. */
  learnFrom(result: TurnResult, estimate: DraftEstimate): void {
    if (learnCalibration(this.table, result.records, estimate.estimate)) {
      void this.globalState.update(CALIBRATION_KEY, this.table.toJSON());
    }
  }
}

function restore(globalState: vscode.Memento, log: vscode.LogOutputChannel): CalibrationTable {
  const saved = globalState.get<unknown>(CALIBRATION_KEY);
  if (saved === undefined) {
    return new CalibrationTable();
  }
  try {
    return CalibrationTable.fromJSON(saved);
  } catch (error) {
    log.warn(`Calibration reset: ${error instanceof Error ? error.message : String(error)}`);
    return new CalibrationTable();
  }
}
