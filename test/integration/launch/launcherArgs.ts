// Command line shared by both launchers: which trust states to run, the pseudo-locale run, and the
// self-test switch.
import type { TrustState } from '../../../scripts/harness/vscodeServer';

/** The pseudo-locale VS Code knows: the localisation suite runs in it, every other suite in English. */
export const PSEUDO_LOCALE = 'qps-ploc';

export interface LauncherRun {
  readonly trust: TrustState;
  /** Run the workbench in this display language, with only the localisation suite (test/integration/l10n). */
  readonly locale?: typeof PSEUDO_LOCALE;
}

export interface LauncherArgs {
  /** The extension host runs, in order. */
  runs: LauncherRun[];
  /** Load only the deliberately failing self-test suite (the launcher must then exit non-zero). */
  selfTest: boolean;
}

/**
 * No arguments: trusted, Restricted Mode, then the pseudo-locale run. `--trust trusted|restricted|both`
 * runs those trust states only; `--locale qps-ploc` runs the pseudo-locale suite only.
 */
export function parseLauncherArgs(argv: string[]): LauncherArgs {
  const selfTest = argv.includes('--self-test');
  const localeIndex = argv.indexOf('--locale');
  if (localeIndex >= 0) {
    const locale = argv[localeIndex + 1];
    if (locale !== PSEUDO_LOCALE) {
      throw new Error(`--locale must be ${PSEUDO_LOCALE}, not ${locale}`);
    }
    return { runs: [{ trust: 'trusted', locale }], selfTest };
  }
  const index = argv.indexOf('--trust');
  const value = index >= 0 ? argv[index + 1] : 'both';
  const trusts: TrustState[] | undefined = value === 'both' ? ['trusted', 'restricted'] : value === 'trusted' || value === 'restricted' ? [value] : undefined;
  if (!trusts) {
    throw new Error(`--trust must be trusted, restricted or both, not ${value}`);
  }
  const runs: LauncherRun[] = trusts.map((trust) => ({ trust }));
  if (index < 0 && !selfTest) {
    runs.push({ trust: 'trusted', locale: PSEUDO_LOCALE });
  }
  return { runs, selfTest };
}
