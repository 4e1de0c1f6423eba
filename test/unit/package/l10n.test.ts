/**
 * Localisation of the extension host: the committed l10n bundle holds exactly the messages the
 * sources pass to `vscode.l10n.t` / `l10n.t` (a stale bundle fails here, before a translator or a
 * user sees an English text), and no user-visible text in src/extension is a literal: messages,
 * quick pick and input box titles, placeholders and prompts, status bar texts and tooltips,
 * progress titles and hovers all go through l10n.t.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const l10nScript = require('../../../scripts/l10n.js') as {
  BUNDLE_FILE: string;
  extractMessages(): Promise<Record<string, string | { message: string }>>;
};

/** Calls whose every argument a user reads (the message and the buttons). */
const MESSAGE_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage']);
/** Calls whose options or items objects hold texts a user reads. */
const OPTION_CALLS = new Set(['showQuickPick', 'showInputBox', 'withProgress', 'showSaveDialog', 'showOpenDialog', 'createWebviewPanel']);
/** Properties of those objects (and of quick pick items) that a user reads. */
const TEXT_PROPERTIES = new Set(['title', 'placeHolder', 'placeholder', 'prompt', 'label', 'description', 'detail', 'saveLabel', 'openLabel', 'tooltip', 'message']);
/** Properties of a UI object (status bar item, input box, quick pick, webview panel) a user reads when assigned. */
const ASSIGNED_PROPERTIES = new Set(['text', 'tooltip', 'title', 'placeholder', 'prompt', 'name', 'description', 'validationMessage']);
/** Constructors whose first argument is shown as it is. */
const TEXT_CONSTRUCTORS = new Set(['MarkdownString', 'UserFacingError']);

/** Whether an expression is, or may evaluate to, a hard-coded English text (a literal with words in it). */
function literalText(node: ts.Expression): string | undefined {
  const words = (text: string) => /[A-Za-z]{2,}/.test(text.replace(/\$\([a-z0-9~-]+\)/g, '')) ? text : undefined;
  if (ts.isParenthesizedExpression(node)) {
    return literalText(node.expression);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return words(node.text);
  }
  if (ts.isTemplateExpression(node)) {
    return words([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('${…}'));
  }
  if (ts.isConditionalExpression(node)) {
    return literalText(node.whenTrue) ?? literalText(node.whenFalse);
  }
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.PlusToken || node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return literalText(node.left) ?? literalText(node.right);
  }
  return undefined;
}

function calledName(expression: ts.Expression): string | undefined {
  return ts.isPropertyAccessExpression(expression) ? expression.name.text : ts.isIdentifier(expression) ? expression.text : undefined;
}

/** Literal texts of an options object, or of an array of quick pick items (also through `.map(x => ({...}))`). */
function objectTexts(node: ts.Expression, found: (node: ts.Node, text: string) => void): void {
  if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && TEXT_PROPERTIES.has(property.name.text)) {
        const text = literalText(property.initializer);
        if (text !== undefined) {
          found(property, text);
        }
      }
    }
  } else if (ts.isArrayLiteralExpression(node)) {
    node.elements.forEach((element) => objectTexts(element, found));
  } else if (ts.isCallExpression(node) && calledName(node.expression) === 'map') {
    const mapper = node.arguments[0];
    if (mapper && ts.isArrowFunction(mapper)) {
      const body = ts.isParenthesizedExpression(mapper.body) ? mapper.body.expression : mapper.body;
      if (ts.isObjectLiteralExpression(body)) {
        objectTexts(body, found);
      }
    }
  }
}

/** Every user-visible text of a source file that does not go through l10n.t, as `file:line: text`. */
export function unlocalisedTexts(source: string, fileName: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const problems: string[] = [];
  const found = (node: ts.Node, text: string) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    problems.push(`${fileName}:${line}: ${text}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calledName(node.expression);
      if (name !== undefined && MESSAGE_CALLS.has(name)) {
        for (const argument of node.arguments) {
          const text = literalText(argument);
          if (text !== undefined) {
            found(argument, text);
          }
          objectTexts(argument, found);
        }
      } else if (name !== undefined && OPTION_CALLS.has(name)) {
        node.arguments.forEach((argument) => {
          const text = name === 'createWebviewPanel' ? literalText(argument) : undefined;
          if (text !== undefined && argument === node.arguments[1]) {
            found(argument, text);
          }
          objectTexts(argument, found);
        });
      }
    } else if (ts.isNewExpression(node)) {
      const name = calledName(node.expression);
      const first = node.arguments?.[0];
      if (name !== undefined && TEXT_CONSTRUCTORS.has(name) && first) {
        const text = literalText(first);
        if (text !== undefined) {
          found(first, text);
        }
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && ASSIGNED_PROPERTIES.has(node.left.name.text)
      // An error class naming itself (`this.name = 'UserFacingError'`) is not a text for the user.
      && !(node.left.name.text === 'name' && node.left.expression.kind === ts.SyntaxKind.ThisKeyword)) {
      const text = literalText(node.right);
      if (text !== undefined) {
        found(node, text);
      }
    } else if (ts.isCallExpression(node) === false && ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'accessibilityInformation' && ts.isObjectLiteralExpression(node.initializer)) {
      objectTexts(node.initializer, found);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return problems;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('localisation of the extension host', () => {
  it('commits the bundle the sources make: l10n/bundle.l10n.json is current (npm run l10n rewrites it)', async function () {
    this.timeout(120_000);
    const committed = JSON.parse(fs.readFileSync(l10nScript.BUNDLE_FILE, 'utf8')) as Record<string, unknown>;
    const current = await l10nScript.extractMessages();
    const missing = Object.keys(current).filter((key) => !(key in committed));
    const unused = Object.keys(committed).filter((key) => !(key in current));
    assert.deepEqual({ missing, unused }, { missing: [], unused: [] }, 'l10n/bundle.l10n.json is stale: run `npm run l10n` (or any build)');
    assert.deepEqual(committed, current);
  });

  it('declares the bundle folder in the manifest, and the bundle holds the extension host\'s messages', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
    const committed = JSON.parse(fs.readFileSync(l10nScript.BUNDLE_FILE, 'utf8')) as Record<string, unknown>;
    for (const key of ['Ask about {0}', 'Export Usage (1/6): format', 'Credit Meter: {0}', 'Summarise']) {
      assert.ok(key in committed, `${key} is not in the bundle`);
    }
  });

  it('passes no literal text to a message, quick pick, input box, progress, status bar item or hover in src/extension', () => {
    const files = sourceFiles(path.join(root, 'src', 'extension'));
    assert.ok(files.length > 20);
    const problems = files.flatMap((file) => unlocalisedTexts(fs.readFileSync(file, 'utf8'), path.relative(root, file)));
    assert.deepEqual(problems, []);
  });

  it('flags each kind of hard-coded text (the check above can fail)', () => {
    const sample = [
      "void vscode.window.showInformationMessage('Saved the file.');",
      'void vscode.window.showWarningMessage(`Port ${port} is in use.`, { modal: true, detail: `Pick another` }, \'Retry\');',
      "void vscode.window.showErrorMessage(vscode.l10n.t('Failed: {0}', reason), vscode.l10n.t('Open Settings'));",
      "await vscode.window.showQuickPick(items.map((item) => ({ label: item.id, description: 'A provider' })), { title: 'Pick one', placeHolder: vscode.l10n.t('Which?') });",
      "await vscode.window.showInputBox({ title: vscode.l10n.t('Name'), prompt: ok ? 'A name' : vscode.l10n.t('Another') });",
      "item.text = '$(pulse) running';",
      "item.tooltip = vscode.l10n.t('Tip');",
      'box.placeholder = `${count} files`;',
      "const markdown = new vscode.MarkdownString('**Hello**');",
      "await vscode.window.withProgress({ location, title: 'Exporting' }, task);",
      "throw new UserFacingError('Stop it first.', { title: vscode.l10n.t('Stop') });",
    ].join('\n');
    assert.deepEqual(unlocalisedTexts(sample, 'sample.ts'), [
      'sample.ts:1: Saved the file.',
      'sample.ts:2: Port ${…} is in use.',
      'sample.ts:2: Pick another',
      'sample.ts:2: Retry',
      'sample.ts:4: A provider',
      'sample.ts:4: Pick one',
      'sample.ts:5: A name',
      'sample.ts:6: $(pulse) running',
      'sample.ts:8: ${…} files',
      'sample.ts:9: **Hello**',
      'sample.ts:10: Exporting',
      'sample.ts:11: Stop it first.',
    ]);
  });
});
