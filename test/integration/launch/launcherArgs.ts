// Command line shared by both launchers: which trust states to run, and the self-test switch.
import type { TrustState } from '../../../scripts/harness/vscodeServer';

export interface LauncherArgs {
  trusts: TrustState[];
  /** Load only the deliberately failing self-test suite (the launcher must then exit non-zero). */
  selfTest: boolean;
}

export function parseLauncherArgs(argv: string[]): LauncherArgs {
  const index = argv.indexOf('--trust');
  const value = index >= 0 ? argv[index + 1] : 'both';
  const trusts: TrustState[] | undefined = value === 'both' ? ['trusted', 'restricted'] : value === 'trusted' || value === 'restricted' ? [value] : undefined;
  if (!trusts) {
    throw new Error(`--trust must be trusted, restricted or both, not ${value}`);
  }
  return { trusts, selfTest: argv.includes('--self-test') };
}
