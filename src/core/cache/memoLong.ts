/**
 * Remembers a function's result for its last long string arguments. A thread's history is hashed and
 * counted again on every estimate; a `Map` lookup hashes a string natively, once per string object,
 * so an unchanged history costs a lookup per block instead of a pass over its text.
 */
export function memoLong<T>(compute: (text: string) => T, minLength = 256, entries = 512): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    if (text.length < minLength) {
      return compute(text);
    }
    let result = memo.get(text);
    if (result === undefined) {
      result = compute(text);
      if (memo.size >= entries) {
        memo.delete(memo.keys().next().value as string);
      }
      memo.set(text, result);
    }
    return result;
  };
}
