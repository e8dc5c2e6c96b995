// PaperTrail on VS Code's own language models (vscode.lm), in the real workbench: a test
// extension (test/e2e/lm-ext) registers a chat model that answers from the scripted server.
// usage: node test/e2e/ui/lm.test.mjs <workbench-url> <screenshot-dir> <result-json>
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openWorkbenchBrowser, runCommand as runWorkbenchCommand, stepper, waitForCommand } from './workbench.mjs';

const [url, shots, resultFile] = process.argv.slice(2);
const ws = process.env.PAPERTRAIL_WS;
const outcomes = [];
const { page, close } = await openWorkbenchBrowser();
const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`) });
const step = stepper(outcomes, (name) => shot(`FAILED-lm-${name.replace(/\W+/g, '-').slice(0, 50)}`));
const runCommand = (title) => runWorkbenchCommand(page, title, 90000);
const toast = (text) => page.locator('.notification-toast', { hasText: text }).last();
const quickTitle = (text) => page.locator('.quick-input-widget .quick-input-title', { hasText: text });
const row = (text) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

/** VS Code asks once whether PaperTrail may use another extension's model. */
async function allowModelAccess() {
  const allow = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Allow/ }).first();
  if (
    await allow.waitFor({ timeout: 8000 }).then(
      () => true,
      () => false,
    )
  ) {
    await shot('27-lm-consent');
    await allow.click();
  }
}

try {
  await step('the workbench opens with PaperTrail and the test chat model', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'paper.pdf' }).waitFor({ timeout: 90000 });
    await waitForCommand(page, 'PaperTrail: Test Connection');
  });

  await step('"Test Connection" offers the VS Code chat model and gets its answer', async () => {
    await runCommand('PaperTrail: Test Connection');
    if (
      await quickTitle('model')
        .or(page.locator('.quick-input-list .monaco-list-row', { hasText: 'Scripted Model' }))
        .first()
        .waitFor({ timeout: 10000 })
        .then(
          () => true,
          () => false,
        )
    ) {
      await row('Scripted Model').click();
    }
    await allowModelAccess();
    await toast('answered in').waitFor({ timeout: 30000 });
    assert.match(await toast('answered in').innerText(), /Scripted Model/);
    await page.waitForTimeout(500);
    await shot('28-lm-test-connection');
  });

  await step('a whole reimplementation runs on the VS Code chat model, with no API key and no cost shown', async () => {
    await runCommand('PaperTrail: Reimplement from Paper');
    await quickTitle('the paper').waitFor({ timeout: 20000 });
    await row('paper.pdf').click();
    await quickTitle('mode').waitFor();
    await page.keyboard.press('Enter');
    await quickTitle('framework').waitFor();
    await page.keyboard.press('Enter');
    if (
      await quickTitle('model')
        .waitFor({ timeout: 10000 })
        .then(
          () => true,
          () => false,
        )
    )
      await row('Scripted Model').click();
    await quickTitle('folder').waitFor({ timeout: 30000 });
    await page.locator('.quick-input-widget input').fill('via-vscode-lm');
    await page.keyboard.press('Enter');
    await allowModelAccess();
    const review = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await review.locator('#continue:not([disabled])').waitFor({ timeout: 90000 });
    assert.match(await review.locator('#meta').innerText(), /Scripted Model/);
    assert.match(await review.locator('#meta').innerText(), /cost unknown/);
    await review.locator('#continue').click();
    await toast('new files').waitFor({ timeout: 90000 });
    await toast('new files').locator('.monaco-button', { hasText: 'Apply' }).first().click();
    await toast('citations').waitFor({ timeout: 30000 });
    assert.match(await toast('citations').innerText(), /0 broken/);
    assert.ok(fs.existsSync(path.join(ws, 'via-vscode-lm', 'budget_attention', 'attention.py')));
    await page.waitForTimeout(500);
    await shot('29-lm-applied');
  });
} finally {
  await close();
  fs.writeFileSync(resultFile, JSON.stringify({ outcomes }, null, 2));
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
