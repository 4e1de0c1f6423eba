/**
 * The Compose view's draft: prompt, kind, and the context items with their texts.
 * The selection chip follows the editor's selection; files are added and removed by the user.
 */
import { classifyKind } from '../core/estimate/requestKind';
import type { RequestKind } from '../core/ledger/usageRecord';
import type { ComposeKind, ContextChip } from '../protocol/compose';
import type { Draft, DraftContext } from '../send/turnTypes';

export interface ComposeContext extends DraftContext {
  readonly id: string;
  readonly auto: boolean;
}

export const SELECTION_CHIP_ID = 'selection';

export class ComposeDraft {
  prompt = '';
  kind: ComposeKind = 'auto';
  private items: ComposeContext[] = [];
  /** The selection chip the user removed; it comes back when the selection changes. */
  private dismissedSelection: string | undefined;
  private nextId = 1;

  get contexts(): readonly ComposeContext[] {
    return this.items;
  }

  /** The kind sent: the one picked, or the one the prompt's wording suggests. */
  get effectiveKind(): RequestKind {
    return this.kind === 'auto' ? classifyKind(this.prompt) : this.kind;
  }

  /** Follows the editor selection; returns whether the chips changed. */
  setSelection(selection: DraftContext | undefined): boolean {
    const current = this.items.find((item) => item.id === SELECTION_CHIP_ID);
    const key = selection ? `${selection.label}\u0000${selection.text}` : undefined;
    if (key !== undefined && key === this.dismissedSelection) {
      return false;
    }
    if (!selection) {
      this.dismissedSelection = undefined;
      if (!current) {
        return false;
      }
      this.items = this.items.filter((item) => item.id !== SELECTION_CHIP_ID);
      return true;
    }
    if (current && current.label === selection.label && current.text === selection.text) {
      return false;
    }
    const chip: ComposeContext = { ...selection, id: SELECTION_CHIP_ID, auto: true };
    this.items = current ? this.items.map((item) => (item.id === SELECTION_CHIP_ID ? chip : item)) : [chip, ...this.items];
    return true;
  }

  /**
   * A new question about the selection (Ask About Selection): this prompt with the selection as its
   * only context, kind from the wording, so what is sent is what the input box estimated.
   */
  startOver(prompt: string, selection: DraftContext | undefined): void {
    this.prompt = prompt;
    this.kind = 'auto';
    this.dismissedSelection = undefined;
    this.items = selection ? [{ ...selection, id: SELECTION_CHIP_ID, auto: true }] : [];
  }

  /** Adds a file (replacing an earlier copy of the same label). */
  addFile(label: string, text: string): void {
    const existing = this.items.find((item) => !item.auto && item.label === label);
    if (existing) {
      this.items = this.items.map((item) => (item === existing ? { ...item, text } : item));
      return;
    }
    this.items = [...this.items, { id: `file-${this.nextId++}`, kind: 'file', label, text, auto: false }];
  }

  remove(id: string): boolean {
    const removed = this.items.find((item) => item.id === id);
    if (!removed) {
      return false;
    }
    if (removed.auto) {
      this.dismissedSelection = `${removed.label}\u0000${removed.text}`;
    }
    this.items = this.items.filter((item) => item.id !== id);
    return true;
  }

  toDraft(modelRef: string): Draft {
    return {
      prompt: this.prompt,
      contexts: this.items.map(({ kind, label, text }) => ({ kind, label, text })),
      modelRef,
      kind: this.effectiveKind,
      source: 'compose',
    };
  }

  chips(tokens: readonly number[] | undefined): ContextChip[] {
    return this.items.map((item, index) => ({
      id: item.id,
      kind: item.kind,
      label: item.label,
      tokens: tokens?.[index] ?? null,
      auto: item.auto,
    }));
  }
}
