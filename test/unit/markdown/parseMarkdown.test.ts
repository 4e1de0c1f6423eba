import { strict as assert } from 'node:assert';
import { parseInline, parseMarkdown } from '../../../src/core/markdown';

describe('markdown: parseMarkdown', () => {
  it('parses headings, paragraphs, fenced code and rules', () => {
    const blocks = parseMarkdown('# Fix\n\nUse `map`\ninstead.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\n---');
    assert.deepEqual(blocks, [
      { type: 'heading', level: 1, children: [{ type: 'text', text: 'Fix' }] },
      { type: 'paragraph', children: [{ type: 'text', text: 'Use ' }, { type: 'code', text: 'map' }, { type: 'text', text: ' instead.' }] },
      { type: 'code', lang: 'ts', text: 'const a = 1;\n\nconst b = 2;', closed: true },
      { type: 'rule' },
    ]);
  });

  it('renders an unclosed fence (a streamed answer) as code so far', () => {
    assert.deepEqual(parseMarkdown('Here:\n```py\nprint(1)'), [
      { type: 'paragraph', children: [{ type: 'text', text: 'Here:' }] },
      { type: 'code', lang: 'py', text: 'print(1)', closed: false },
    ]);
  });

  it('parses ordered and bulleted lists with nested content', () => {
    const [list] = parseMarkdown('3. one\n4. two\n   - a\n   - b\n');
    assert.equal(list.type, 'list');
    if (list.type === 'list') {
      assert.equal(list.ordered, true);
      assert.equal(list.start, 3);
      assert.equal(list.items.length, 2);
      assert.deepEqual(list.items[1][1], { type: 'list', ordered: false, start: 1, items: [
        [{ type: 'paragraph', children: [{ type: 'text', text: 'a' }] }],
        [{ type: 'paragraph', children: [{ type: 'text', text: 'b' }] }],
      ] });
    }
  });

  it('parses quotes recursively', () => {
    assert.deepEqual(parseMarkdown('> **note**\n> more'), [
      { type: 'quote', children: [{ type: 'paragraph', children: [{ type: 'strong', children: [{ type: 'text', text: 'note' }] }, { type: 'text', text: ' more' }] }] },
    ]);
  });

  it('keeps raw HTML as text: nothing becomes markup', () => {
    const source = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    assert.deepEqual(parseMarkdown(source), [{ type: 'paragraph', children: [{ type: 'text', text: source }] }]);
  });
});

describe('markdown: parseInline', () => {
  it('parses strong, emphasis and code, and leaves snake_case alone', () => {
    assert.deepEqual(parseInline('**bold** and *it* and my_var_name and `a*b`'), [
      { type: 'strong', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' and ' },
      { type: 'em', children: [{ type: 'text', text: 'it' }] },
      { type: 'text', text: ' and my_var_name and ' },
      { type: 'code', text: 'a*b' },
    ]);
  });

  it('keeps http(s) and mailto links, and drops the target of any other scheme', () => {
    assert.deepEqual(parseInline('[docs](https://example.com/a)'), [{ type: 'link', href: 'https://example.com/a', children: [{ type: 'text', text: 'docs' }] }]);
    assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ type: 'text', text: 'click' }, { type: 'text', text: ')' }]);
    assert.deepEqual(parseInline('[run](command:workbench.action.quit)'), [{ type: 'text', text: 'run' }]);
  });

  it('handles escapes and hard breaks', () => {
    assert.deepEqual(parseInline('\\*not em\\*  \nnext'), [{ type: 'text', text: '*not em*' }, { type: 'break' }, { type: 'text', text: 'next' }]);
  });
});

describe('markdown: tables', () => {
  it('parses a table with alignment, inline content and escaped pipes', () => {
    const blocks = parseMarkdown('Costs:\n| Model | Credits |\n|:--|--:|\n| `haiku` | 0.1 |\n| a \\| b | **2** |\n\nafter');
    assert.deepEqual(blocks, [
      { type: 'paragraph', children: [{ type: 'text', text: 'Costs:' }] },
      {
        type: 'table',
        align: ['left', 'right'],
        header: [[{ type: 'text', text: 'Model' }], [{ type: 'text', text: 'Credits' }]],
        rows: [
          [[{ type: 'code', text: 'haiku' }], [{ type: 'text', text: '0.1' }]],
          [[{ type: 'text', text: 'a | b' }], [{ type: 'strong', children: [{ type: 'text', text: '2' }] }]],
        ],
      },
      { type: 'paragraph', children: [{ type: 'text', text: 'after' }] },
    ]);
  });

  it('does not mistake a rule under a pipe line for a table', () => {
    const blocks = parseMarkdown('a | b | c\n---');
    assert.equal(blocks.some((block) => block.type === 'table'), false);
  });
});

describe('markdown: any input', () => {
  it('parses random markdown-ish text without throwing or hanging, and links only to safe schemes', () => {
    const alphabet = ['*', '_', '`', '```', '~~~', '[', ']', '(', ')', '|', '-', '#', '>', '1.', '\n', '\n\n', ' ', '  ', '\\', 'a', 'word', 'javascript:', 'https://x.y', ':--', '<b>'];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const hrefs: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(collect);
      } else if (value && typeof value === 'object') {
        const node = value as { type?: string; href?: string };
        if (node.type === 'link' && node.href !== undefined) {
          hrefs.push(node.href);
        }
        Object.values(value).forEach(collect);
      }
    };
    for (let round = 0; round < 1_000; round += 1) {
      const length = Math.floor(random() * 60);
      const source = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      collect(parseMarkdown(source));
    }
    assert.ok(hrefs.every((href) => /^(https?:\/\/|mailto:)/i.test(href)), hrefs.join(' '));
  });
});

describe('code blocks of an answer', () => {
  it('numbers them in document order, inside lists and quotes too, as the view renders them', async () => {
    const { codeBlocks, parseMarkdown: parse } = await import('../../../src/core/markdown');
    const answer = 'Intro\n\n```ts\nconst a = 1;\n```\n\n1. first\n\n   ```js\n   b();\n   ```\n\n> quoted\n>\n> ```\n> c\n> ```\n\n```py\nd = 4\n```\n';
    assert.deepEqual(codeBlocks(parse(answer)).map((block) => [block.lang, block.text]), [['ts', 'const a = 1;'], ['js', 'b();'], ['', 'c'], ['py', 'd = 4']]);
  });
});
