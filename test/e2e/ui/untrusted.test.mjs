// The sample workspace opened with workspace trust on and the folder not trusted (Restricted
// Mode): commands that call a model, write files or run code refuse with a message that says
// what to do; papers still open in the viewer.
// usage: node test/e2e/ui/untrusted.test.mjs <workbench-url> <screenshot-dir> <result-json>
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openWorkbenchBrowser, runCommand as runWorkbenchCommand, stepper, waitForCommand } from './workbench.mjs';

const [url, shots, resultFile] = process.argv.slice(2);
const ws = process.env.PAPERTRAIL_WS;
const outcomes = [];
const { page, close } = await openWorkbenchBrowser();
const step = stepper(outcomes, (name) =>
  page.screenshot({ path: path.join(shots, `FAILED-untrusted-${name.replace(/\W+/g, '-').slice(0, 50)}.png`) }),
);

const runCommand = (title) => runWorkbenchCommand(page, title, 60000);

const refusal = () => page.locator('.notification-toast', { hasText: 'needs a trusted workspace' }).last();

async function refuses(title) {
  await page
    .locator('.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close')
    .first()
    .click({ timeout: 1000 })
    .catch(() => {});
  await runCommand(title);
  await refusal().waitFor({ timeout: 20000 });
}

try {
  await step('the folder opens in Restricted Mode with PaperTrail active', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust/ });
    if (
      await dontTrust.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      )
    )
      await dontTrust.click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60000 });
    await waitForCommand(page, 'PaperTrail: Reimplement from Paper');
  });

  await step('"Reimplement from Paper" refuses and says to trust the folder; nothing is written', async () => {
    const before = fs.readdirSync(ws).sort();
    await refuses('PaperTrail: Reimplement from Paper');
    assert.match(await refusal().innerText(), /Trust this folder/);
    await refusal().locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).first().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(shots, '23-untrusted-refuses.png') });
    assert.deepEqual(fs.readdirSync(ws).sort(), before);
  });

  await step('"Resume Run", "Test Connection" and "Run Tests" refuse too', async () => {
    for (const title of ['PaperTrail: Resume Run', 'PaperTrail: Test Connection', 'PaperTrail: Run Tests']) await refuses(title);
  });

  await step('papers still open in the PaperTrail viewer', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'paper.pdf' }).click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-label', { hasText: 'Open Paper' }).first();
    await item.hover();
    await item.click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.page[data-loaded="true"] canvas').first().waitFor({ timeout: 30000 });
    await page.screenshot({ path: path.join(shots, '24-untrusted-viewer.png') });
  });
} finally {
  await close();
  fs.writeFileSync(resultFile, JSON.stringify({ outcomes }, null, 2));
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
