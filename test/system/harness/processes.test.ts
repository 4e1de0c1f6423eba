import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { spawnGroup, stopGroup } from '../../../scripts/harness/processes';
import { until } from '../../support/waitFor';

/** Running, not gone and not a zombie waiting to be reaped (this machine's init may never reap it). */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (_error) {
    return false;
  }
}

describe('harness: process groups', () => {
  it('stopping a started process also stops what it spawned', async () => {
    // The shell starts a background child and prints its pid, like a server forking its extension host.
    const child = spawnGroup('sh', ['-c', 'sleep 60 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = await new Promise<number>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    assert.ok(isAlive(grandchild));
    await stopGroup(child, 1000);
    assert.notEqual(child.exitCode === null && child.signalCode === null, true, 'the leader exited');
    // Signals are delivered asynchronously, and a busy machine takes its time to end a process.
    await until(`the grandchild ${grandchild} to be gone`, () => !isAlive(grandchild));
  });
});
