import { strict as assert } from 'node:assert';
import { CLASSIFIED_PREFIX, REQUEST_KINDS, type RequestKind, classifyKind } from '../../../src/core/estimate';
import { CUE_GROUPS } from '../../../src/core/estimate/kindCues';
import { MAX_PROSE_WORDS, promptWords } from '../../../src/core/estimate/promptWords';
import { scoreKinds } from '../../../src/core/estimate/requestKind';
import { type KindAccuracy, TUNING_TABLE, UNSEEN_TABLE, VALIDATION_TABLE, classifierAccuracy, labelledPrompts, share } from '../../support/kindAccuracy';

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
    assert.equal(classifyKind('/fix the import'), 'fix');
    assert.equal(classifyKind('/clear'), 'other');
  });

  it('reads only the start of a long prompt', () => {
    const pasted = 'x '.repeat(CLASSIFIED_PREFIX) + 'please fix it';
    assert.equal(classifyKind(pasted), 'other');
    assert.equal(classifyKind('please fix it ' + pasted), 'fix');
  });
});

describe('request kind: how the wording is read', () => {
  it('takes the instruction past the polite words, and lets the first of several asks decide', () => {
    assert.equal(classifyKind('please can you rename `cb` to `onDone`'), 'edit');
    assert.equal(classifyKind('hey, could you add a `--verbose` flag to the CLI?'), 'edit');
    assert.equal(classifyKind('refactor the parser, then add tests for it'), 'refactor');
    assert.equal(classifyKind('add tests for the parser, then refactor it'), 'generate');
    assert.equal(classifyKind('draft a plan, then refactor the encoder module'), 'plan');
  });

  it('cancels a negated instruction, reads a verb after a determiner as a noun, and halves a purpose', () => {
    assert.equal(classifyKind("don't fix anything yet, just explain why this is slow"), 'explain');
    assert.equal(classifyKind('I do not want a refactor, only tell me what this class is for'), 'explain');
    assert.equal(classifyKind('explain the fix in this commit'), 'explain');
    // "rename" alone is an edit; here it is what the script is for.
    assert.equal(classifyKind('rename the files'), 'edit');
    assert.equal(classifyKind('write a script to rename all the .jpeg files in a folder'), 'generate');
    assert.equal(classifyKind('give me a plan to split the monolith into services'), 'plan');
  });

  it('reads pasted errors as a fix, and only real error codes', () => {
    assert.equal(classifyKind('Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nValueError: invalid literal for int()'), 'fix');
    assert.equal(classifyKind('TS2322 on line 40 since the upgrade'), 'fix');
    assert.equal(classifyKind('what does ECONNRESET mean?'), 'explain', 'asking what an error means is a question');
    assert.equal(classifyKind('modernize this ES5 code to ES2020'), 'refactor', 'ES2020 is no error code');
    assert.equal(scoreKinds('modernize this ES5 code to ES2020').scores.fix, 0);
    assert.equal(classifyKind('the export button does nothing'), 'fix');
  });

  it('does not read pasted code as wording, wherever the instruction is', () => {
    const code = Array.from({ length: 20 }, (_, i) => `  const created${i} = createUser(${i});\n  writeFile(path, data${i});`).join('\n');
    assert.equal(classifyKind('```ts\nfunction add(a, b) { return a - b; }\n```\nwhy does this subtract?'), 'explain');
    assert.equal(classifyKind('explain this:\n' + code), 'explain');
    assert.equal(classifyKind('function total(items) {\n' + code + '\n}\n\nrename `created0` to `first`'), 'edit');
    assert.equal(classifyKind(code), 'other', 'code alone asks for nothing');
  });

  it('shows the evidence behind a decision', () => {
    const scored = scoreKinds('please rename `tmp` to `buffer`');
    assert.equal(scored.kind, 'edit');
    assert.ok(scored.evidence.some((entry) => entry.kind === 'edit' && /rename/.test(entry.cue)), JSON.stringify(scored.evidence));
    for (const kind of REQUEST_KINDS.filter((other) => other !== 'edit')) {
      assert.ok(scored.scores[kind] < scored.scores.edit, kind);
    }
    const total = scored.evidence.filter((entry) => entry.kind === 'edit').reduce((sum, entry) => sum + entry.points, 0);
    assert.ok(Math.abs(total - scored.scores.edit) < 1e-9, 'the scores are the sum of the evidence');
    assert.deepEqual(scoreKinds('').evidence, []);
  });

  it('has a cue table in the form the matcher reads', () => {
    for (const kind of REQUEST_KINDS) {
      assert.ok(CUE_GROUPS.some((group) => group.kind === kind), `cues for ${kind}`);
    }
    for (const group of CUE_GROUPS) {
      assert.ok(group.weight > 0 && group.cues.length > 0);
      for (const cue of group.cues) {
        const parts = cue.trim().split(/\s+/);
        assert.ok(!/^~/.test(parts[0]) && !/^~/.test(parts[parts.length - 1]), `"${cue}" starts and ends with a word`);
        for (const part of parts.filter((word) => !/^~\d+$/.test(word))) {
          // Words as the scanner makes them: lower case, no apostrophes or hyphens.
          for (const word of part.split('|')) {
            assert.match(word, /^(?:[a-z0-9_]+|#|§)$/, `"${word}" in "${cue}"`);
          }
        }
      }
    }
  });
});

describe('request kind: the prompt as words', () => {
  it('lower-cases, drops apostrophes, splits hyphens, and makes code, file names and URLs one word', () => {
    const words = promptWords("Please can't you move utils.ts into lib, it's off-by-one? See https://example.com/a. Then rename `a`");
    assert.deepEqual(words.text, ['please', 'cant', 'you', 'move', '§', 'into', 'lib', 'its', 'off', 'by', 'one', 'see', '§', 'then', 'rename', '§']);
    assert.deepEqual(words.sentence, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2]);
    assert.equal(words.firstQuestion, 0);
    assert.deepEqual(words.text.filter((_, i) => words.lead[i]), ['cant', 'its', 'see', 'rename']);
  });

  it('skips fenced and unfenced code, and restarts the sentence count after it', () => {
    const words = promptWords('Why is this slow? It was fast.\n```\nfor (const x of xs) { add(x); }\n```\n  return total;\nwhat changed');
    assert.deepEqual(words.text, ['why', 'is', 'this', 'slow', 'it', 'was', 'fast', 'what', 'changed']);
    assert.deepEqual(words.place, [0, 0, 0, 0, 1, 1, 1, 0, 0]);
  });

  it('marks purposes after "to" + verb, not destinations', () => {
    const words = promptWords('write a script to rename files, and change the port to 3000');
    assert.deepEqual(words.text.filter((_, i) => words.purpose[i]), ['rename', 'files']);
  });

  it('reads at most MAX_PROSE_WORDS words', () => {
    assert.equal(promptWords('word '.repeat(1000)).text.length, MAX_PROSE_WORDS);
  });
});

function report(name: string, accuracy: KindAccuracy, misses: boolean): void {
  const lines = REQUEST_KINDS.map((kind: RequestKind) => `      ${kind.padEnd(9)} ${share(accuracy.byKind[kind].correct, accuracy.byKind[kind].total)}`);
  console.log(`      ${name}: ${share(accuracy.correct, accuracy.total)}\n${lines.join('\n')}`);
  if (misses) {
    for (const miss of accuracy.misses) {
      console.log(`      miss: ${miss.expected} -> ${miss.got}: ${miss.prompt.replace(/\n/g, '⏎').slice(0, 140)}`);
    }
  }
}

describe('request kind: the labelled prompt tables', () => {
  const tuning = labelledPrompts(TUNING_TABLE);
  const validation = labelledPrompts(VALIDATION_TABLE);

  it('has a tuning table of at least 250 prompts covering every kind roughly evenly', () => {
    assert.ok(tuning.length >= 250, String(tuning.length));
    for (const kind of REQUEST_KINDS) {
      const count = tuning.filter((entry) => entry.kind === kind).length;
      assert.ok(count >= tuning.length / 10 && count <= tuning.length / 5, `${count} ${kind} prompts`);
    }
  });

  const unseen = labelledPrompts(UNSEEN_TABLE);

  it('keeps the validation and unseen prompts out of the tuning table', () => {
    const normal = (prompt: string) => prompt.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
    const tuned = new Set(tuning.map((entry) => normal(entry.prompt)));
    assert.deepEqual(validation.filter((entry) => tuned.has(normal(entry.prompt))), []);
    assert.deepEqual(unseen.filter((entry) => tuned.has(normal(entry.prompt))), []);
  });

  it('classifies the tuning table accurately, per kind and overall', () => {
    const accuracy = classifierAccuracy(tuning);
    report('classifier accuracy, tuning table', accuracy, true);
    // Measured: 424/428 (99.1 %), every kind at least 98 %.
    assert.ok(accuracy.correct / accuracy.total >= 0.97, 'at least 97 % overall');
    for (const kind of REQUEST_KINDS) {
      const row = accuracy.byKind[kind];
      assert.ok(row.correct / row.total >= 0.95, `at least 95 % of ${kind}`);
    }
  });

  it('generalises to the validation table it was never tuned on', () => {
    const accuracy = classifierAccuracy(validation);
    // Per kind only: reading the misses would be tuning on them.
    report('classifier accuracy, validation table (never tuned on)', accuracy, false);
    // Measured: 35/40 (87.5 %); the weakest kinds 3/5.
    assert.ok(accuracy.correct / accuracy.total >= 0.85, 'at least 85 % overall');
    for (const kind of REQUEST_KINDS) {
      const row = accuracy.byKind[kind];
      assert.ok(row.correct / row.total >= 0.5, `at least half of ${kind}`);
    }
  });

  it('generalises to prompts its authors never saw', () => {
    const accuracy = classifierAccuracy(unseen);
    report('classifier accuracy, unseen table (measured once, after the work)', accuracy, false);
    // Measured: 47/53 (88.7 %) on first sight; the rules before it scored 38/60 (63 %) before seven prompts shared with the tuning table were removed.
    // fix 7/10 and plan 5/6 are the weakest kinds.
    assert.ok(accuracy.correct / accuracy.total >= 0.85, 'at least 85 % overall');
    for (const kind of REQUEST_KINDS) {
      const row = accuracy.byKind[kind];
      assert.ok(row.correct / row.total >= 0.6, `at least 60 % of ${kind}`);
    }
  });
});
