/** A model chosen in settings: `<provider id>:<model id>` (the model id may itself contain `:`). */
export interface ModelRef {
  readonly providerId: string;
  readonly model: string;
}

export function parseModelRef(text: string): ModelRef | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    return undefined;
  }
  return { providerId: text.slice(0, colon), model: text.slice(colon + 1) };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.providerId}:${ref.model}`;
}
