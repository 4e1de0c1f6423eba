/** A one-off estimate of a complete draft (the CLI, tests); live editors keep an `EstimateSession`. */
import type { Estimate, EstimateInput } from './estimateTypes';
import { EstimateSession, type EstimateSessionOptions } from './estimateSession';

export function estimateRequest(input: EstimateInput, options: Omit<EstimateSessionOptions, 'model'> = {}): Estimate {
  const session = new EstimateSession({ ...options, model: input.model });
  session.setSystem(input.system ?? []);
  session.setContext(input.context ?? []);
  session.setTools(input.tools ?? []);
  session.setRounds(input.rounds);
  session.setPrompt(input.prompt);
  session.setKind(input.kind, input.command);
  return session.estimate();
}
