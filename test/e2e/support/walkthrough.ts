// Credit Meter's Getting Started walkthrough in the workbench: VS Code's getting-started editor
// showing it, its steps, and which of them VS Code has ticked as done.
import type { Locator } from 'playwright-core';
import { until, type Workbench } from './workbench';

export const WALKTHROUGH_TITLE = 'Get Started with Credit Meter';

/** The step ids of the walkthrough, in package.json's order. */
export const WALKTHROUGH_STEPS = ['setApiKey', 'pickModel', 'firstEstimate', 'send', 'history', 'budget', 'connectAssistant'] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

/** The getting-started editor while it shows Credit Meter's walkthrough. */
export function walkthroughPage(workbench: Workbench): Locator {
  return workbench.page.locator('.gettingStartedContainer', { has: workbench.page.locator('h2.category-title', { hasText: WALKTHROUGH_TITLE }) });
}

/** A step's button (VS Code names steps `<extension id>#<walkthrough id>#<step id>`). */
export function walkthroughStep(workbench: Workbench, step: WalkthroughStep): Locator {
  return walkthroughPage(workbench).locator(`button.getting-started-step[data-step-id$="#${step}"]`);
}

/** Waits until the walkthrough is on screen with all its steps. */
export async function waitForWalkthrough(workbench: Workbench, timeoutMs?: number): Promise<void> {
  await until(`the "${WALKTHROUGH_TITLE}" walkthrough on screen with its ${WALKTHROUGH_STEPS.length} steps`, async () =>
    (await walkthroughPage(workbench).isVisible()) && (await walkthroughPage(workbench).locator('button.getting-started-step').count()) === WALKTHROUGH_STEPS.length, timeoutMs);
}

/** The steps VS Code shows as done, in order. */
export async function checkedSteps(workbench: Workbench): Promise<WalkthroughStep[]> {
  const checked: WalkthroughStep[] = [];
  for (const step of WALKTHROUGH_STEPS) {
    if ((await walkthroughStep(workbench, step).getAttribute('aria-checked', { timeout: 1_000 }).catch(() => null)) === 'true') {
      checked.push(step);
    }
  }
  return checked;
}
