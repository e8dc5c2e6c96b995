// What every UI test script shares: Chromium on a throwaway profile, and named steps that
// record their outcome (and a screenshot when they fail) without stopping the script.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function openWorkbenchBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PAPERTRAIL_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const close = async () => {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

/** step(name, fn): runs fn, records { name, ok, error } in `outcomes`, screenshots a failure. */
export function stepper(outcomes, onFailure) {
  return async function step(name, fn) {
    try {
      await fn();
      outcomes.push({ name, ok: true });
      console.log(`✔ ${name}`);
    } catch (e) {
      outcomes.push({ name, ok: false, error: String(e?.stack ?? e) });
      console.log(
        `✖ ${name}\n    ${String(e?.message ?? e)
          .split('\n')
          .slice(0, 6)
          .join('\n    ')}`,
      );
      await onFailure(name).catch(() => {});
    }
  };
}

/** Runs a command from the palette by its title; waits (up to `timeout`) for the extension to have registered it. */
export async function runCommand(page, title, timeout = 30000) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
}

/** Contributions register a moment after the workbench shows, and an open palette does not refresh: reopen it until `title` is listed. */
export async function waitForCommand(page, title, timeout = 90000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    if (
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: title })
        .first()
        .waitFor({ timeout: 1500 })
        .then(
          () => true,
          () => false,
        )
    )
      break;
    if (Date.now() > deadline) throw new Error(`"${title}" never appeared in the command palette`);
  }
  await page.keyboard.press('Escape');
}
