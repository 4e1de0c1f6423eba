/**
 * The bundle a webview page carries: JSON in an inert `<script type="application/json">` element that
 * no translation can close or escape from, read back exactly; anything malformed reads as English.
 */
import { strict as assert } from 'node:assert';
import { L10N_ELEMENT_ID, l10nBundleElement, parseL10nBundle, scriptSafeJson } from '../../../src/protocol/l10nBundle';
import { withParts } from '../../../src/webview/placeholders';

const NONCE = 'bm9uY2Utb2YtdGhlLXBhZ2U=';

const HOSTILE = {
  'Cut the cost': '</script><script>alert(1)</script>',
  'Send': '<!-- <script> --> & &amp; </SCRIPT >',
  'Answer': 'line\u2028separator\u2029and "quotes" \\ backslash',
  '</script>': '<img src=x onerror=alert(1)>',
};

/** The element's text as a browser would read it: everything up to the first `</script` (any case). */
function elementText(html: string): string {
  const open = `<script type="application/json" id="${L10N_ELEMENT_ID}" nonce="${NONCE}">`;
  assert.ok(html.startsWith(open), html);
  const end = html.toLowerCase().indexOf('</script', open.length);
  return html.slice(open.length, end);
}

describe('localisation: the bundle in the webview page', () => {
  it('carries a hostile bundle without a single character that could end the element or start markup', () => {
    const html = l10nBundleElement(HOSTILE, NONCE);
    const text = elementText(html);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.equal(html.toLowerCase().split('</script').length - 1, 1, 'exactly one closing tag: its own');
    assert.ok(html.endsWith('</script>'));
    assert.deepEqual(parseL10nBundle(text), HOSTILE, 'the translations come back exactly as given');
  });

  it('carries an empty bundle for English, and no bundle as empty', () => {
    assert.deepEqual(parseL10nBundle(elementText(l10nBundleElement({}, NONCE))), {});
    assert.deepEqual(parseL10nBundle(elementText(l10nBundleElement(undefined, NONCE))), {});
  });

  it('writes JSON that parses to the same value', () => {
    const value = { a: '<b>', c: ['&', '\u2028'] };
    assert.deepEqual(JSON.parse(scriptSafeJson(value)), value);
  });

  it('reads a missing, malformed or wrongly shaped bundle as empty (English), and the long message form', () => {
    assert.deepEqual(parseL10nBundle(null), {});
    assert.deepEqual(parseL10nBundle(''), {});
    assert.deepEqual(parseL10nBundle('{"Send": '), {});
    assert.deepEqual(parseL10nBundle('["Send"]'), {});
    assert.deepEqual(parseL10nBundle('{"Send": 3}'), {});
    assert.deepEqual(parseL10nBundle('{"Send": {"message": "Senden", "comment": ["button"]}}'), { Send: 'Senden' });
  });
});

describe('localisation: elements inside a translated message', () => {
  const link = { link: true };

  it('puts each part where the translation placed its placeholder', () => {
    assert.deepEqual(withParts('New? {0}: set a key.', link), ['New? ', link, ': set a key.']);
    assert.deepEqual(withParts('{1} then {0}', 'a', 'b'), ['b', ' then ', 'a']);
    assert.deepEqual(withParts('{0}', link), [link]);
  });

  it('keeps a placeholder without a part as text', () => {
    assert.deepEqual(withParts('a {3} b', link), ['a {3} b']);
  });
});
