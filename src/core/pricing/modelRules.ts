/**
 * Matching a model id against a profile's model rules. A rule's `model` is an exact id or a glob
 * (`*` any run, `?` one character), case-insensitive; a prefix is written `name*`. A rule matches the
 * id as given or the id without a routing prefix, so `claude-*` also covers `anthropic/claude-sonnet-4-5`.
 */
import type { ModelRule } from './profileSchema';

const compiled = new Map<string, RegExp>();

export function findModelRule(rules: readonly ModelRule[], modelId: string): ModelRule | undefined {
  if (rules.length === 0) {
    return undefined;
  }
  const candidates = idCandidates(modelId);
  return rules.find((rule) => {
    const pattern = globPattern(rule.model);
    return candidates.some((candidate) => pattern.test(candidate));
  });
}

/** The id itself, then without any `provider/` or `provider:` routing prefixes. */
export function idCandidates(modelId: string): string[] {
  const id = modelId.trim().toLowerCase();
  const candidates = [id];
  const slash = id.lastIndexOf('/');
  if (slash >= 0 && slash < id.length - 1) {
    candidates.push(id.slice(slash + 1));
  }
  const colon = /^[a-z0-9_-]+:(?=[a-z])/.exec(id);
  if (colon && !id.includes('/')) {
    candidates.push(id.slice(colon[0].length));
  }
  return candidates;
}

function globPattern(glob: string): RegExp {
  let pattern = compiled.get(glob);
  if (!pattern) {
    const source = glob
      .trim()
      .toLowerCase()
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${source}$`);
    compiled.set(glob, pattern);
  }
  return pattern;
}
