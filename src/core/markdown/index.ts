export type { Block, Inline } from './markdownTree';
export { parseMarkdown } from './parseMarkdown';
export { parseInline } from './parseInline';
