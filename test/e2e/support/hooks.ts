// Mocha root hooks for the e2e run: install what is missing before the first suite (so its time is
// not charged to a test), stop the shared VS Code servers and browser after the last one.
import { ensureTestDependencies } from '../../../scripts/harness/installVscodeServer';
import { stopSharedProcesses } from './workbench';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(15 * 60_000);
    await ensureTestDependencies();
  },
  async afterAll(): Promise<void> {
    await stopSharedProcesses();
  },
};
