/**
 * What a piece of context sent with a prompt is: the one name used by the estimate, the tips, the
 * Compose protocol and the extension. No imports: the webview bundle type-checks it too.
 */
export const CONTEXT_KINDS = ['selection', 'file', 'pasted', 'other'] as const;
export type ContextKind = (typeof CONTEXT_KINDS)[number];
