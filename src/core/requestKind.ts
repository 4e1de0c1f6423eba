/**
 * What a request asks for: the one list used by the estimate (which predicts the answer's length
 * from it), the ledger, the protocols and every filter. No imports: the webview bundle uses it too.
 *
 * `edit` is a small targeted change (rename, add an alias or a parameter, change a literal, add a
 * docstring or a type annotation, fix a typo): the answer is about the size of the code it touches.
 */
export const REQUEST_KINDS = ['explain', 'edit', 'fix', 'refactor', 'generate', 'plan', 'other'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export function isRequestKind(value: string): value is RequestKind {
  return (REQUEST_KINDS as readonly string[]).includes(value);
}
