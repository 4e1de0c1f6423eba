import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLASSIFIED_PREFIX, REQUEST_KINDS, type RequestKind, classifyKind } from '../../../src/core/estimate';
import { classifierAccuracy, type LabelledPrompt } from '../../support/kindAccuracy';

describe('request kind', () => {
  const cases: [string, string][] = [
    ['Explain what this function does', 'explain'],
    ['why does this loop never end?', 'explain'],
    ['Fix the off-by-one error in parseRange', 'fix'],
    ['this test is failing after the upgrade', 'fix'],
    ['Refactor this module into smaller functions', 'refactor'],
    ['rename foo to bar everywhere', 'edit'],
    ['add an alias to this function on line 126', 'edit'],
    ['/edit make it shorter', 'edit'],
    ['refactor the planner module', 'refactor'],
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

describe('request kind: the labelled prompt table', () => {
  const table = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'estimate', 'requestKinds.json'), 'utf8')) as { prompts: LabelledPrompt[] };

  it('has at least 60 prompts covering every kind', () => {
    assert.ok(table.prompts.length >= 60, String(table.prompts.length));
    for (const kind of REQUEST_KINDS) {
      assert.ok(table.prompts.filter((entry) => entry.kind === kind).length >= 5, `at least 5 ${kind} prompts`);
    }
  });

  it('classifies them accurately, per kind and overall', () => {
    const accuracy = classifierAccuracy(table.prompts);
    const lines = REQUEST_KINDS.map((kind: RequestKind) => {
      const row = accuracy.byKind[kind];
      return `      ${kind.padEnd(9)} ${row.correct}/${row.total} (${(100 * row.correct / row.total).toFixed(0)} %)`;
    });
    console.log(`      classifier accuracy: ${accuracy.correct}/${accuracy.total} (${(100 * accuracy.correct / accuracy.total).toFixed(1)} %)\n${lines.join('\n')}`);
    for (const miss of accuracy.misses) {
      console.log(`      miss: ${miss.expected} -> ${miss.got}: ${miss.prompt}`);
    }
    assert.ok(accuracy.correct / accuracy.total >= 0.9, 'at least 90 % overall');
    for (const kind of REQUEST_KINDS) {
      const row = accuracy.byKind[kind];
      assert.ok(row.correct / row.total >= 0.8, `at least 80 % of ${kind}`);
    }
  });
});
