/**
 * A bounded memo of piece -> token count. Two generations of Maps: when the young one is full it
 * becomes the old one and the previous old one is dropped, so memory is capped at about two
 * generations while pieces that keep being hit are promoted and survive.
 */
export class PieceCache {
  private young = new Map<string, number>();
  private old = new Map<string, number>();

  constructor(private readonly generationSize = 100_000) {}

  get(piece: string): number | undefined {
    const hit = this.young.get(piece);
    if (hit !== undefined) {
      return hit;
    }
    const aged = this.old.get(piece);
    if (aged !== undefined) {
      this.set(piece, aged);
    }
    return aged;
  }

  set(piece: string, tokens: number): void {
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(piece, tokens);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
