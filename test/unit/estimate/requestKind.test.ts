import { strict as assert } from 'node:assert';
import { CLASSIFIED_PREFIX, classifyKind } from '../../../src/core/estimate';

describe('request kind', () => {
  const cases: [string, string][] = [
    ['Explain what this function does', 'explain'],
    ['why does this loop never end?', 'explain'],
    ['Fix the off-by-one error in parseRange', 'fix'],
    ['this test is failing after the upgrade', 'fix'],
    ['Refactor this module into smaller functions', 'refactor'],
    ['rename foo to bar everywhere', 'refactor'],
    ['add an alias to this function on line 126', 'generate'],
    ['Write unit tests for the parser', 'generate'],
    ['Draft a plan to migrate the build to esbuild', 'plan'],
    ['give me a step-by-step plan for the rewrite', 'plan'],
    ['hello there', 'other'],
    ['', 'other'],
  ];
  for (const [prompt, kind] of cases) {
    it(`"${prompt}" -> ${kind}`, () => {
      assert.equal(classifyKind(prompt), kind);
    });
  }

  it('lets the command decide over the wording', () => {
    assert.equal(classifyKind('make this faster', '/explain'), 'explain');
    assert.equal(classifyKind('what is wrong here', 'fix'), 'fix');
    assert.equal(classifyKind('explain this', '/tests'), 'generate');
    assert.equal(classifyKind('explain this', '/unknowncommand'), 'explain');
  });

  it('reads only the start of a long prompt', () => {
    const pasted = 'x '.repeat(CLASSIFIED_PREFIX) + 'please fix it';
    assert.equal(classifyKind(pasted), 'other');
    assert.equal(classifyKind('please fix it ' + pasted), 'fix');
  });
});
