/**
 * Which value of a setting applies, given where it was set and whether the workspace is trusted.
 * A workspace's `.vscode/settings.json` comes with the folder: in an untrusted folder it must not
 * decide where an API key is sent or what things cost, so restricted keys ignore workspace values.
 */
export interface InspectedValue<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

export interface TrustContext {
  readonly trusted: boolean;
  readonly restricted: boolean;
}

export function effectiveValue<T>(inspected: InspectedValue<T> | undefined, trust: TrustContext): T | undefined {
  if (!inspected) {
    return undefined;
  }
  const useWorkspace = trust.trusted || !trust.restricted;
  if (useWorkspace) {
    if (inspected.workspaceFolderValue !== undefined) {
      return inspected.workspaceFolderValue;
    }
    if (inspected.workspaceValue !== undefined) {
      return inspected.workspaceValue;
    }
  }
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}

/** True when the workspace tried to set a restricted key that is being ignored (worth one log line). */
export function ignoredWorkspaceValue<T>(inspected: InspectedValue<T> | undefined, trust: TrustContext): boolean {
  return !!inspected && !trust.trusted && trust.restricted
    && (inspected.workspaceValue !== undefined || inspected.workspaceFolderValue !== undefined);
}
