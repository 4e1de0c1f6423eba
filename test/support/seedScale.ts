/**
 * The service's published scale as four requests (the "seed scale"), on claude-sonnet-4-5 with the
 * default credit profile (0.04 USD per credit), each with the range of credits the service names for
 * it. Real code from this repository, kept as fixtures so the sizes do not drift: a 40-line function,
 * a 10 KB module and a 40 KB package of seven files. The unit test asserts the ranges; `npm run bench`
 * prints the table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ContextItem, type Estimate, estimateRequest } from '../../src/core/estimate';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/core/settings/settings';

const SEED = path.resolve(__dirname, '..', 'fixtures', 'estimate', 'seed');
export const SEED_MODEL = 'claude-sonnet-4-5';

export interface SeedCase {
  readonly name: string;
  readonly prompt: string;
  readonly context: readonly ContextItem[];
  readonly rounds?: number;
  /** The service's range for this kind of request, in credits. */
  readonly expected: readonly [number, number];
}

function read(file: string): string {
  return fs.readFileSync(path.join(SEED, file), 'utf8');
}

function encoderPackage(): ContextItem[] {
  return fs.readdirSync(path.join(SEED, 'encoder')).sort().map((file) => ({
    kind: 'file',
    label: `src/encoder/${file.replace(/\.txt$/, '')}`,
    text: read(path.join('encoder', file)),
  }));
}

export function seedCases(): SeedCase[] {
  const encoder = encoderPackage();
  return [
    {
      name: 'micro edit: "add an alias to this function" + a 40-line function',
      prompt: 'add an alias to this function',
      context: [{ kind: 'selection', label: 'src/pricing/price.ts:86-125', text: read('function40.ts.txt') }],
      expected: [0.1, 0.2],
    },
    {
      name: 'quick refactor: a 10 KB module',
      prompt: 'refactor this module: split the long functions, add type hints',
      context: [{ kind: 'file', label: 'src/tokens/scanner.ts', text: read('module10k.ts.txt') }],
      expected: [0.5, 1.5],
    },
    {
      name: 'plan + module refactor: a 40 KB package',
      prompt: 'draft a plan, then refactor the encoder module',
      context: encoder,
      expected: [1, 5],
    },
    {
      name: 'agent task, 8 rounds, over the same package',
      prompt: 'make the encoder stream its input: change the scanner and the counter, update every caller and keep the tests passing',
      context: encoder,
      rounds: 8,
      expected: [5, 20],
    },
  ];
}

export function estimateSeed(seed: SeedCase): Estimate {
  return estimateRequest({
    model: SEED_MODEL,
    system: [DEFAULT_SYSTEM_PROMPT],
    prompt: seed.prompt,
    context: seed.context,
    ...(seed.rounds !== undefined ? { rounds: seed.rounds } : {}),
  });
}
