/**
 * The notes of the in-memory index (see turnNote.ts): each note once by its `id`, with where its
 * line sits, and per record the distinct code blocks noted (with how many notes name each, so a
 * note leaving the index — its segment deleted, its line gone — takes back only what it added).
 * Notes are few (one per block applied), so plain maps do; the sums never look at them.
 */
import type { TurnNote } from './turnNote';

export interface IndexedNote {
  readonly id: string;
  readonly turnId: string;
  readonly recordId: string;
  readonly appliedBlock: number;
  /** The segment (index in the ledger's segment list) and the line's position in it. */
  segment: number;
  byteOffset: number;
  byteLength: number;
}

export class NoteIndex {
  private readonly byId = new Map<string, IndexedNote>();
  /** recordId -> block -> notes naming it. */
  private readonly blocks = new Map<string, Map<number, number>>();

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** True when `block` of `recordId` is already noted (a new note for it would change nothing). */
  noted(recordId: string, block: number): boolean {
    return this.blocks.get(recordId)?.has(block) ?? false;
  }

  /** Distinct blocks noted for the record. */
  appliedBlocks(recordId: string): number {
    return this.blocks.get(recordId)?.size ?? 0;
  }

  /**
   * Adds a note unless its id is known. `duplicate`: the id is indexed from another segment (a
   * replay); `moved`: the same line read again from its own segment (rewritten by a repair), whose
   * position is updated.
   */
  add(note: Pick<TurnNote, 'id' | 'turnId' | 'recordId' | 'appliedBlock'>, segment: number, byteOffset: number, byteLength: number): 'added' | 'duplicate' | 'moved' {
    const known = this.byId.get(note.id);
    if (known) {
      if (known.segment !== segment) {
        return 'duplicate';
      }
      known.byteOffset = byteOffset;
      known.byteLength = byteLength;
      return 'moved';
    }
    this.byId.set(note.id, { id: note.id, turnId: note.turnId, recordId: note.recordId, appliedBlock: note.appliedBlock, segment, byteOffset, byteLength });
    let blocks = this.blocks.get(note.recordId);
    if (!blocks) {
      blocks = new Map();
      this.blocks.set(note.recordId, blocks);
    }
    blocks.set(note.appliedBlock, (blocks.get(note.appliedBlock) ?? 0) + 1);
    return 'added';
  }

  /** Drops the notes `keep` rejects; returns how many left. */
  retain(keep: (note: IndexedNote) => boolean): number {
    let dropped = 0;
    for (const note of [...this.byId.values()]) {
      if (keep(note)) {
        continue;
      }
      this.byId.delete(note.id);
      const blocks = this.blocks.get(note.recordId)!;
      const left = blocks.get(note.appliedBlock)! - 1;
      if (left > 0) {
        blocks.set(note.appliedBlock, left);
      } else {
        blocks.delete(note.appliedBlock);
        if (blocks.size === 0) {
          this.blocks.delete(note.recordId);
        }
      }
      dropped += 1;
    }
    return dropped;
  }

  /** The notes of one segment, in file order. */
  ofSegment(segment: number): IndexedNote[] {
    return [...this.byId.values()].filter((note) => note.segment === segment).sort((a, b) => a.byteOffset - b.byteOffset);
  }
}
