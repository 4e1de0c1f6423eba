import type { Block } from './markdownTree';

/**
 * The code blocks of a parsed answer in document order (inside lists and quotes too): block `i` here
 * is the `i`-th code block the view renders, so "apply block 2 of this answer" names one block on
 * both sides without sending its text around.
 */
export function codeBlocks(blocks: readonly Block[]): Extract<Block, { type: 'code' }>[] {
  const found: Extract<Block, { type: 'code' }>[] = [];
  const walk = (list: readonly Block[]) => {
    for (const block of list) {
      if (block.type === 'code') {
        found.push(block);
      } else if (block.type === 'list') {
        for (const item of block.items) {
          walk(item);
        }
      } else if (block.type === 'quote') {
        walk(block.children);
      }
    }
  };
  walk(blocks);
  return found;
}
