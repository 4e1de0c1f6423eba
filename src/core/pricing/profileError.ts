/**
 * A credit profile that cannot be used. The message always names where the profile came from and,
 * when the problem is one field, that field's path, e.g.
 * `credit profile /x/p.json: models[2].multiplier: expected a positive number`.
 */
export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly fieldPath: string | undefined,
    readonly problem: string,
  ) {
    super(`credit profile ${source}: ${fieldPath ? `${fieldPath}: ` : ''}${problem}`);
    this.name = 'ProfileError';
  }
}

/** `['models', 2, 'multiplier']` -> `models[2].multiplier`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') {
      text += `[${key}]`;
    } else {
      text += text === '' ? String(key) : `.${String(key)}`;
    }
  }
  return text;
}
