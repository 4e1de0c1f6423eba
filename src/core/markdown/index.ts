export type { Block, Inline } from './markdownTree';
export { codeBlocks } from './codeBlocks';
export { parseMarkdown } from './parseMarkdown';
export { parseInline } from './parseInline';
