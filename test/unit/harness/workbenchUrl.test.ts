import { strict as assert } from 'node:assert';
import { buildWorkbenchUrl } from '../../../scripts/harness/vscodeServer';

describe('harness: workbench URL', () => {
  it('opens the folder and loads the extension and the tests over the remote authority', () => {
    const url = new URL(buildWorkbenchUrl('http://127.0.0.1:4711', {
      folder: '/tmp/work space',
      extensionDevelopmentPath: '/repo',
      extensionTestsPath: '/repo/out/integration/runner/index.js',
    }));
    assert.equal(url.searchParams.get('folder'), '/tmp/work space');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload') ?? ''), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4711/repo'],
      ['skipWelcome', 'true'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4711/repo/out/integration/runner/index.js'],
    ]);
  });

  it('leaves out extensionTestsPath when only the workbench is wanted', () => {
    const url = new URL(buildWorkbenchUrl('http://127.0.0.1:4711', { folder: '/w', extensionDevelopmentPath: '/repo' }));
    assert.equal(url.searchParams.get('payload')?.includes('extensionTestsPath'), false);
  });
});
