/**
 * A translated message with elements in it: `{0}`, `{1}`, … of `template` (a message looked up without
 * arguments, so its placeholders are still there) become `parts[0]`, `parts[1]`, …, and the text
 * between them stays text. Translators may move the placeholders; the elements follow them.
 */
export function withParts<T>(template: string, ...parts: (T | string)[]): (T | string)[] {
  const out: (T | string)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\d+)\}/g)) {
    const part = parts[Number(match[1])];
    if (part === undefined) {
      continue;
    }
    if (match.index > last) {
      out.push(template.slice(last, match.index));
    }
    out.push(part);
    last = match.index + match[0].length;
  }
  if (last < template.length) {
    out.push(template.slice(last));
  }
  return out;
}
