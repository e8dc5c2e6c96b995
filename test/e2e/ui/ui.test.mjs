// UI tests in the real VS Code workbench (code-server) driven by playwright-core + Debian's Chromium.
// usage: node test/e2e/ui/ui.test.mjs <workbench-url> <screenshot-dir> <result-json>
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openWorkbenchBrowser, runCommand as runWorkbenchCommand, stepper } from './workbench.mjs';

const [url, shots, resultFile] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });
const t0 = Date.now();
const lap = (m) => console.log(`  [${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const outcomes = [];

const { page, close } = await openWorkbenchBrowser();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const step = stepper(outcomes, (name) => shot(`FAILED-${name.replace(/\W+/g, '-').slice(0, 60)}`));

async function shot(name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  lap(`screenshot ${file}`);
}

/** Settings as an editor saves them: the file replaced whole, never seen half-written by the watcher. */
function writeSettings(file, text) {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}
const explorerRow = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });

async function palette(text) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
}

/** The extension host registers contributions a moment after the workbench shows: wait for ours. */
async function waitForExtension() {
  const deadline = Date.now() + 90000;
  for (;;) {
    await palette('>PaperTrail: Open Paper');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'PaperTrail: Open Paper' });
    if (
      await row
        .first()
        .isVisible()
        .catch(() => false)
    )
      break;
    if (Date.now() > deadline) throw new Error('PaperTrail commands never appeared in the palette');
    await page.waitForTimeout(500);
  }
  await page.keyboard.press('Escape');
}

async function closeMenu() {
  await page.keyboard.press('Escape');
  const menu = page.locator('.monaco-menu');
  await menu
    .first()
    .waitFor({ state: 'hidden', timeout: 3000 })
    .catch(async () => {
      await page.mouse.click(700, 600);
      await menu.first().waitFor({ state: 'hidden', timeout: 3000 });
    });
}

async function contextMenuOf(name) {
  await explorerRow(name).click({ button: 'right' });
  const items = page.locator('.monaco-menu .action-label');
  await items.first().waitFor();
  return (await items.allInnerTexts()).filter((t) => t.trim());
}

/** Clicks a context-menu item; a click during the menu's opening animation can be lost, so Enter backs it up. */
async function chooseMenuItem(label) {
  const item = page.locator('.monaco-menu .action-label', { hasText: label }).first();
  await item.hover();
  await item.click();
  const menu = page.locator('.monaco-menu').first();
  const closed = await menu.waitFor({ state: 'hidden', timeout: 2000 }).then(
    () => true,
    () => false,
  );
  if (!closed) {
    await item.hover({ timeout: 2000 });
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
  }
}

const runCommand = (title) => runWorkbenchCommand(page, title);

try {
  const toast = (text) => page.locator('.notification-toast', { hasText: text }).last();
  const toastButton = (text, label) => toast(text).locator('.monaco-button', { hasText: label }).first();
  const quickTitle = (text) => page.locator('.quick-input-widget .quick-input-title', { hasText: text });
  const reviewFrame = () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

  await step('the workbench opens the sample workspace', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await explorerRow('paper.pdf').waitFor({ timeout: 90000 });
    lap('workbench ready');
    await waitForExtension();
    lap('PaperTrail commands registered');
    await shot('01-workbench');
  });

  await step('the command palette lists the PaperTrail commands', async () => {
    await palette('>PaperTrail:');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    await page.waitForTimeout(300);
    const labels = await rows.allInnerTexts();
    const text = labels.join('\n');
    for (const title of ['Reimplement from Paper', 'Open Paper', 'Set API Key', 'Show Log', 'Audit Citations', 'Run Tests']) {
      assert.match(text, new RegExp(title), `palette shows "PaperTrail: ${title}"`);
    }
    assert.doesNotMatch(text, /Reveal Cited Passage/, 'internal command hidden from the palette');
    await shot('02-command-palette');
    await page.keyboard.press('Escape');
  });

  await step('right-click on a PDF in the explorer offers "Reimplement from Paper…"', async () => {
    const items = await contextMenuOf('paper.pdf');
    assert.ok(
      items.some((t) => /Reimplement from Paper/.test(t)),
      `context menu: ${items.join(' | ')}`,
    );
    assert.ok(
      items.some((t) => /Open Paper/.test(t)),
      'context menu offers Open Paper',
    );
    await shot('03-explorer-context-menu');
    await closeMenu();
  });

  await step('right-click on a Python file does not offer it', async () => {
    const items = await contextMenuOf('model.py');
    assert.ok(
      items.some((t) => /Copy Path/.test(t)),
      'the menu is open',
    );
    assert.ok(!items.some((t) => /Reimplement from Paper/.test(t)), `not on .py files: ${items.join(' | ')}`);
    await closeMenu();
  });

  await step('double-clicking a PDF opens the viewer; a citation link previews its reference, and Back returns', async () => {
    const real = path.join(process.env.PAPERTRAIL_WS, 'specter.pdf');
    if (!fs.existsSync(real)) return; // ../shared/papers is beside the repository on developer machines and in CI
    await runCommand('View: Close All Editors');
    await explorerRow('specter.pdf').dblclick();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.page[data-page-number="1"][data-loaded="true"] canvas').waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('#page-count').innerText(), '/ 13');
    const link = frame.locator('.page[data-page-number="1"] .annotationLayer a[href*="cite."]').first();
    await link.waitFor({ timeout: 20000 });
    await link.hover();
    const preview = frame.locator('#link-preview');
    await preview.waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await preview.innerText(), /^Reference/);
    await shot('04a-link-preview');
    await link.click();
    const pageBox = frame.locator('#page-number');
    for (let i = 0; i < 50 && (await pageBox.inputValue()) === '1'; i++) await page.waitForTimeout(100);
    assert.notEqual(await pageBox.inputValue(), '1', 'the link jumped to the references');
    await shot('04b-link-followed');
    await frame.locator('#back').click();
    for (let i = 0; i < 50 && (await pageBox.inputValue()) !== '1'; i++) await page.waitForTimeout(100);
    assert.equal(await pageBox.inputValue(), '1', 'Back returns to the page of the link');
    await runCommand('View: Close All Editors');
  });

  await step('"Open Paper" shows the PDF in the PaperTrail viewer, rendered by pdf.js', async () => {
    await contextMenuOf('paper.pdf');
    await chooseMenuItem('Open Paper');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.page[data-loaded="true"] canvas').first().waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('#page-count').innerText(), '/ 2');
    assert.equal(await frame.locator('#page-number').inputValue(), '1');
    await frame.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'Attention on a Budget' }).first().waitFor();
    await shot('04-pdf-viewer');
    // The outline is the paper's parsed sections; an entry jumps to its page.
    await frame.locator('#toggle-outline').click();
    await frame.locator('#outline a', { hasText: 'Experiments' }).click();
    assert.equal(await frame.locator('#outline a').count(), 4);
    await frame.locator('#outline a.current', { hasText: 'Experiments' }).waitFor({ timeout: 10000 });
    assert.equal(await frame.locator('#page-number').inputValue(), '2');
    await shot('04b-pdf-viewer-outline');
    await frame.locator('#toggle-outline').click();
  });

  await step('Open Paper with an arXiv id while offline says so in the editor’s words, with a Choose PDF… button', async () => {
    // arXiv is unreachable here (PAPERTRAIL_ARXIV_BASE_URL points at a closed port, as offline).
    await runCommand('PaperTrail: Open Paper…');
    await page.locator('.quick-input-widget input').fill('1706.03762');
    await page.keyboard.press('Enter');
    const offline = toast('could not be downloaded');
    await offline.waitFor({ timeout: 30000 });
    assert.match(
      await offline.innerText(),
      /arXiv 1706\.03762 could not be downloaded \(arXiv is not reachable\)\. Choose a PDF you downloaded, or try again when online\./,
    );
    assert.doesNotMatch(await offline.innerText(), /pass a downloaded PDF/);
    await toastButton('could not be downloaded', 'Choose PDF…').waitFor();
    await shot('05a-open-paper-offline');
    await offline.hover();
    await offline.locator('.codicon-notifications-clear, .codicon-close').first().click();
  });

  await step('"Show Paper as Markdown" from the viewer opens what the model reads, beside it', async () => {
    await page.locator('.editor-actions [aria-label*="Show Paper as Markdown"]').first().click();
    const md = page.locator('.editor-group-container', { has: page.locator('.tab.active', { hasText: 'paper.pdf.md' }) });
    await md.waitFor({ timeout: 30000 });
    const lines = md.locator('.view-lines');
    // Monaco may render spaces as no-break spaces: \s matches both.
    await lines
      .locator('.view-line', { hasText: /^#\sAttention\son\sa\sBudget/ })
      .first()
      .waitFor({ timeout: 30000 });
    await lines
      .locator('.view-line', { hasText: /^##\s2\sModel/ })
      .first()
      .waitFor();
    await lines
      .locator('.view-line', { hasText: /^\$\$\s\(1\)/ })
      .first()
      .waitFor();
    await shot('05-paper-markdown');
    await page.keyboard.press('Control+W');
    await md.waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
  });

  await step('a tagged Python file shows CodeLenses naming the cited section and page', async () => {
    await page.keyboard.press('Escape');
    await explorerRow('model.py').click();
    const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: '§2 Model, Eq. 1 · p. 1' });
    await lens.waitFor({ timeout: 30000 });
    await page.locator('.contentWidgets .codelens-decoration', { hasText: 'Eq. 2 is in §4, not §3' }).waitFor();
    await shot('06-codelens');
  });

  await step('hovering a tag shows the cited passage', async () => {
    const editor = page.locator('.editor-group-container').first();
    const tok = editor.locator('.view-line span', { hasText: /Eq\.\s1/ }).first(); // Monaco renders spaces as U+00A0
    const box = await tok.boundingBox();
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover-content').filter({ hasText: 'Attention(Q, K, V)' }).first();
    await hover.waitFor({ timeout: 20000 });
    assert.match(await hover.innerText(), /§2 Model · p\. 1/);
    // Eq. 1 typeset by MathJax (an SVG image), above its text.
    const typeset = hover.locator('img[alt="Eq. 1"]');
    await typeset.waitFor({ timeout: 10000 });
    assert.match((await typeset.getAttribute('src')) ?? '', /^data:image\/svg\+xml;base64,/);
    await shot('07-hover');
    await typeset.scrollIntoViewIfNeeded();
    await shot('07b-hover-typeset-equation');
    await page.mouse.move(5, 600);
  });

  await step('the Problems panel lists the broken citations of the whole repository, open or not', async () => {
    await runCommand('View: Focus Problems');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Eq. 2 is in §4, not §3' });
    await row.first().waitFor({ timeout: 20000 });
    // layers.py was never opened: the audit on open put its broken tag here.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'layers.py' }).first().waitFor({ timeout: 30000 });
    await page.locator('.markers-panel .monaco-list-row', { hasText: '§9, Eq. 7' }).first().waitFor();
    await shot('08-problems');
    await page.keyboard.press('Control+J'); // hide the panel again
  });

  await step('the Reproduction Audit view lists the flags and the broken tag by file', async () => {
    await runCommand('PaperTrail: Audit Citations');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Reproduction Audit' }) });
    await view.locator('.monaco-list-row', { hasText: '[UNSPECIFIED]' }).waitFor({ timeout: 30000 });
    await view.locator('.monaco-list-row', { hasText: '[ASSUMPTION]' }).waitFor();
    await view.locator('.monaco-list-row', { hasText: 'Broken: §3, Eq. 2' }).waitFor();
    // In its own place in the activity bar, not squeezed under the Explorer.
    assert.equal(await page.locator('.pane-header', { hasText: 'Explorer' }).count(), 0, 'the Explorer is not the container');
    await shot('09-audit-view');
    // The paper's coverage from the tags: Eq. 1 implemented (no test cites it), Eq. 2 cited only by a broken tag.
    const coverage = view.locator('.monaco-list-row', { hasText: 'Paper coverage' });
    assert.match(await coverage.innerText(), /1\/2 equations implemented, 0\/2 tested/);
    await coverage.click();
    await view.locator('.monaco-list-row', { hasText: /Eq\. 1.*implemented, not tested/ }).waitFor();
    await view.locator('.monaco-list-row', { hasText: /Eq\. 2.*not covered/ }).waitFor();
    await shot('09a-audit-coverage');
    await coverage.click();
  });

  await step('clicking a CodeLens opens the paper beside the code and highlights the passage', async () => {
    // One viewer on screen (a viewer in the code's own group would not be reused: it would hide the code).
    await runCommand('View: Close All Editors');
    await runCommand('View: Show Explorer');
    await explorerRow('model.py').click();
    await page.locator('.contentWidgets .codelens-decoration a', { hasText: '§2 Model' }).first().click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const hl = frame.locator('.pt-highlight');
    await hl.first().waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('.pt-label').getAttribute('data-label'), 'Eq. 1', 'the lens opens the most specific place it cites');
    assert.equal(await frame.locator('#page-number').inputValue(), '1');
    await page.waitForTimeout(800);
    await shot('10-codelens-reveal');
    // The coverage overlay: the workspace's tags, audited, marked beside each equation.
    await frame.locator('#toggle-coverage').click();
    await frame.locator('.pt-cov').first().waitFor({ timeout: 30000 });
    assert.equal(await frame.locator('.page[data-page-number="1"] .pt-cov-implemented').count(), 1, 'Eq. 1: implemented, no test cites it');
    assert.match(await frame.locator('#toggle-coverage').getAttribute('title'), /1\/2 equations implemented, 0\/2 tested/);
    await shot('10b-coverage-overlay');
    await frame.locator('#toggle-coverage').click();
  });

  await step('inverse search: right-click the equation in the paper, "Find Code That Cites This" lands on the tagged line', async () => {
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const eq = frame.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'softmax' }).first();
    await eq.click({ button: 'right' });
    await chooseMenuItem('Find Code That Cites This');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'model.py:5' });
    await pick.first().waitFor({ timeout: 20000 });
    await shot('11-inverse-search');
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container .monaco-editor .cursor-line, .editor-group-container .current-line').first().waitFor();
    const line = await page
      .locator('.statusbar-item', { hasText: /Ln \d+/ })
      .first()
      .innerText();
    assert.match(line, /Ln 5\b/);
  });

  await step(
    'inverse search reads the click: among several tags on one passage, the one quoting the clicked words comes first',
    async () => {
      const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      // The last line of §2's first paragraph (the right column of page 1): "…one element at a time."
      const spans = frame.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'one element at a time' });
      const pageBox = await frame.locator('.page[data-page-number="1"]').boundingBox();
      let target;
      for (let i = 0; i < (await spans.count()); i++) {
        const box = await spans.nth(i).boundingBox();
        if (box && box.x > pageBox.x + pageBox.width / 2 && (!target || box.y < target.box.y)) target = { i, box };
      }
      assert.ok(target, 'a line of §2 in the right column');
      await spans.nth(target.i).click({ button: 'right' });
      await chooseMenuItem('Find Code That Cites This');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor({ timeout: 20000 });
      assert.match(await rows.first().innerText(), /encoder\.py:9\b/);
      await shot('11a-inverse-search-ranked');
      await page.keyboard.press('Escape');
    },
  );

  await step('a rewritten PDF reloads in the open viewer, at the same page', async () => {
    const file = path.join(process.env.PAPERTRAIL_WS, 'paper.pdf');
    const original = fs.readFileSync(file);
    // The viewer's tab in front (inverse search left the code there).
    await page.locator('.tab', { hasText: 'paper.pdf' }).first().click();
    const frame = page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
    await frame.locator('#page-number').fill('2');
    await frame.locator('#page-number').press('Enter');
    await frame.locator('.page[data-page-number="2"] canvas').first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(500);
    // A LaTeX build or a new download rewrites the file: here, one page more.
    const { PDFDocument } = await import('pdf-lib');
    const grown = await PDFDocument.load(original);
    grown.addPage();
    fs.writeFileSync(file, await grown.save());
    try {
      await frame.locator('#page-count', { hasText: '/ 3' }).waitFor({ timeout: 30000 });
      await frame.locator('.page[data-loaded="true"] canvas').first().waitFor({ timeout: 20000 });
      assert.equal(await frame.locator('#page-number').inputValue(), '2');
      await page.waitForTimeout(500);
      await shot('11b-pdf-reloaded');
    } finally {
      fs.writeFileSync(file, original);
    }
    await frame.locator('#page-count', { hasText: '/ 2' }).waitFor({ timeout: 30000 });
    // Focus back in the workbench: keys typed next must not go to the viewer's page box.
    await explorerRow('model.py').click();
    await page.waitForTimeout(300);
  });

  await step('paper.json and the papertrail.paper setting are followed live: lenses go and come back without a reload', async () => {
    const wsDir = process.env.PAPERTRAIL_WS;
    const paperJson = path.join(wsDir, '.papertrail', 'paper.json');
    const settingsFile = path.join(wsDir, '.vscode', 'settings.json');
    const savedPaperJson = fs.readFileSync(paperJson, 'utf8');
    const savedSettings = fs.readFileSync(settingsFile, 'utf8');
    await runCommand('View: Close All Editors');
    await runCommand('View: Show Explorer');
    await explorerRow('model.py').click();
    const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: '§2 Model, Eq. 1 · p. 1' }).first();
    await lens.waitFor({ timeout: 20000 });
    try {
      fs.rmSync(paperJson);
      await lens.waitFor({ state: 'detached', timeout: 20000 });
      await shot('11c-paper-json-removed');
      writeSettings(settingsFile, JSON.stringify({ ...JSON.parse(savedSettings), 'papertrail.paper': 'paper.pdf' }, null, 2));
      await lens.waitFor({ timeout: 20000 });
      await shot('11d-paper-from-setting');
    } finally {
      writeSettings(settingsFile, savedSettings);
      fs.writeFileSync(paperJson, savedPaperJson);
    }
    await lens.waitFor({ timeout: 20000 });
  });

  await step('"PaperTrail: Run Tests" runs the task in the terminal and the failure reaches the Problems panel', async () => {
    await runCommand('PaperTrail: Run Tests');
    const local = page.locator('.quick-input-list .monaco-list-row', { hasText: 'run tests (local Python)' });
    if (
      await local
        .first()
        .waitFor({ timeout: 3000 })
        .then(
          () => true,
          () => false,
        )
    )
      await local.first().click();
    await page
      .locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'run tests (local Python)' })
      .first()
      .waitFor({ timeout: 20000 });
    await page.waitForTimeout(3000); // the terminal draws on a canvas: its text is for the screenshot
    await shot('12-task-terminal');
    await runCommand('View: Focus Problems');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'test_projection_matches_eq_2' }).first().waitFor({ timeout: 60000 });
    // The task's problems do not push out the citation diagnostics: both are listed.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'Eq. 2 is in §4, not §3' }).first().waitFor();
    await shot('13-task-problems');
    await page.keyboard.press('Control+J');
  });

  await step('the Jupyter task runs the tests on the local Jupyter server; its failure reaches the Problems panel', async () => {
    const token = process.env.PAPERTRAIL_JUPYTER_TOKEN;
    assert.ok(token, 'the test script passes the Jupyter token');
    await runCommand('PaperTrail: Set Jupyter Token');
    const input = page.locator('.quick-input-widget input');
    await input.fill(token);
    await page.keyboard.press('Enter');
    // The token is taken when its box closes; the palette must not open over it.
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
    await runCommand('PaperTrail: Run Tests');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'run tests (Jupyter)' }).first().click();
    await page
      .locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'run tests (Jupyter)' })
      .first()
      .waitFor({ timeout: 20000 });
    // The terminal renders to the DOM here (GPU acceleration off), so its text can be read.
    await page.locator('.xterm-rows', { hasText: 'PaperTrail: 1 passed, 1 failed, 1 skipped' }).first().waitFor({ timeout: 60000 });
    await shot('13b-jupyter-task');
    await runCommand('View: Focus Problems');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'test_projection_matches_eq_2' }).first().waitFor({ timeout: 60000 });
    await page.keyboard.press('Control+J');
  });

  await step('the Test Explorer lists the tests and shows pass / fail / skip after a run', async () => {
    await runCommand('Testing: Focus on Test Explorer View');
    const tree = page.locator('.test-explorer');
    await tree.locator('.monaco-list-row', { hasText: 'ws' }).first().waitFor({ timeout: 30000 });
    await runCommand('Test: Run All Tests');
    await tree.locator('.monaco-list-row .codicon-testing-failed-icon').first().waitFor({ timeout: 60000 });
    // The run's results list each test with its outcome.
    await page.locator('.monaco-list-row', { hasText: 'test_attention_scales_by_sqrt_dk' }).first().waitFor({ timeout: 20000 });
    await page.locator('.monaco-list-row', { hasText: 'test_on_gpu' }).first().waitFor();
    await shot('14-test-explorer');
  });

  const ws = process.env.PAPERTRAIL_WS;
  const key = process.env.PAPERTRAIL_LLM_KEY;

  await step('"PaperTrail: Set API Key" stores the key (the scripted model server accepts no other)', async () => {
    assert.ok(key && ws, 'the test script passes the key and the workspace');
    await runCommand('PaperTrail: Set API Key');
    const input = page.locator('.quick-input-widget input');
    await input.fill(key);
    await page.keyboard.press('Enter');
    await toast('API key saved').waitFor({ timeout: 10000 });
  });

  await step('right-click a PDF → "Reimplement from Paper…" asks for mode, framework and folder', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('View: Hide Panel');
    await runCommand('View: Show Explorer');
    await contextMenuOf('paper.pdf');
    await chooseMenuItem('Reimplement from Paper');
    await quickTitle('mode').waitFor({ timeout: 20000 });
    await page.waitForTimeout(300);
    await shot('15-reimplement-mode');
    await page.keyboard.press('Enter');
    await quickTitle('framework').waitFor();
    await page.keyboard.press('Enter');
    await quickTitle('folder').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('.quick-input-widget input').inputValue(), 'attention-on-a-budget');
    await shot('16-reimplement-folder');
    await page.keyboard.press('Enter');
  });

  await step('the plan review shows the files, both mermaid diagrams, the config and the estimate; Continue', async () => {
    const frame = reviewFrame();
    await frame.locator('#class-diagram svg').waitFor({ timeout: 60000 });
    await frame.locator('#sequence-diagram svg').waitFor({ timeout: 20000 });
    assert.equal(await frame.locator('#files > li').count(), 9);
    assert.match(await frame.locator('#config').innerText(), /\[UNSPECIFIED\]/);
    assert.match(await frame.locator('#meta').innerText(), /calls/);
    await page.waitForTimeout(500);
    await shot('17-plan-review');
    await frame.locator('#continue').click();
  });

  await step('before any generated code runs, a dialog names what runs and where; Run verifies it', async () => {
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'run the generated code' });
    await dialog.waitFor({ timeout: 60000 });
    assert.match(
      await dialog.innerText(),
      /import every module and run the tests, the smoke command \(python -m budget_attention --preset small\) with \/usr\/bin\/python3 in /,
    );
    assert.match(await dialog.innerText(), /without your secrets|no secrets/);
    await page.waitForTimeout(400);
    await shot('17b-verify-consent');
    await dialog.locator('.monaco-button', { hasText: 'Run' }).first().click();
  });

  await step('the repository is previewed as one multi-file diff, and Apply writes it', async () => {
    await toast('new files').waitFor({ timeout: 90000 });
    await page.locator('.multiDiffEditor, .monaco-component.multiDiffEditor').first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(800);
    await shot('18-preview');
    assert.ok(!fs.existsSync(path.join(ws, 'attention-on-a-budget', 'README.md')), 'nothing written before Apply');
    await toastButton('new files', 'Apply').click();
    await toast('citations').waitFor({ timeout: 30000 });
    for (const f of [
      'README.md',
      'budget_attention/attention.py',
      'tests/test_attention.py',
      'configs/paper.yaml',
      'configs/small.yaml',
      'ARCHITECTURE.md',
      'IMPLEMENTATION_PLAN.md',
      'pyproject.toml',
      '.gitignore',
      '.papertrail/paper.json',
    ]) {
      assert.ok(fs.existsSync(path.join(ws, 'attention-on-a-budget', f)), `${f} written`);
    }
    assert.match(await toast('citations').innerText(), /0 broken/);
    assert.match(await toast('citations').innerText(), /Verified after 1 round: 21\/21 tests passed\./);
    // The folder is outside any git repository: it gets its first commit, listing what was implemented.
    assert.match(await toast('citations').innerText(), /Committed as [0-9a-f]{7}\./);
    const log = spawnSync('git', ['log', '--format=%B'], { cwd: path.join(ws, 'attention-on-a-budget'), encoding: 'utf8' }).stdout;
    assert.match(log, /^Reimplement "Attention on a Budget" \(PaperTrail\)\n\nSections: §2/);
    assert.match(
      fs.readFileSync(path.join(ws, 'attention-on-a-budget', 'README.md'), 'utf8'),
      /## Implementation status\n\nFrom PaperTrail's last verify round \(round 1 of 1\): 21\/21 tests passed\./,
    );
    await explorerRow('attention-on-a-budget').waitFor();
    await page.locator('.tab', { hasText: 'README.md' }).first().waitFor();
    await page.waitForTimeout(600);
    await shot('19-applied');
    // The repository as the user finds it: the tree, and the architecture document.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('attention-on-a-budget/ARCHITECTURE.md');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ARCHITECTURE.md' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'ARCHITECTURE.md' }).first().waitFor();
    await runCommand('File: Reveal Active File in Explorer View');
    await explorerRow('IMPLEMENTATION_PLAN.md').waitFor();
    await page.waitForTimeout(600);
    await shot('19b-applied-tree');
  });

  await step('one undo takes the written files back', async () => {
    await explorerRow('attention-on-a-budget').click();
    await page.keyboard.press('Control+Z');
    const dialog = page.locator('.monaco-dialog-box');
    if (
      await dialog.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      )
    ) {
      await shot('20-undo-confirm');
      await dialog.locator('.monaco-button').first().click();
    }
    const readme = path.join(ws, 'attention-on-a-budget', 'README.md');
    for (let i = 0; i < 50 && fs.existsSync(readme); i++) await page.waitForTimeout(200);
    assert.ok(!fs.existsSync(readme), 'README.md removed by undo');
    assert.ok(!fs.existsSync(path.join(ws, 'attention-on-a-budget', 'budget_attention', 'attention.py')), 'code removed by undo');
  });

  await step('cancelling half-way writes nothing, and "Resume" finishes the run without asking again', async () => {
    await runCommand('View: Close All Editors');
    await runCommand('PaperTrail: Reimplement from Paper');
    await quickTitle('the paper').waitFor({ timeout: 20000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'paper.pdf' }).first().click();
    await quickTitle('mode').waitFor();
    await page.keyboard.press('Enter');
    await quickTitle('framework').waitFor();
    await page.keyboard.press('Enter');
    await quickTitle('folder').waitFor({ timeout: 20000 });
    await page.locator('.quick-input-widget input').fill('resumed');
    await page.keyboard.press('Enter');
    await reviewFrame().locator('#continue:not([disabled])').waitFor({ timeout: 60000 });
    await reviewFrame().locator('#continue').click();
    const running = page.locator('.notification-toast', { hasText: /analysis|coding/ }).last();
    await running.waitFor({ timeout: 30000 });
    await shot('21-progress');
    await running.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await toast('cancelled').waitFor({ timeout: 30000 });
    await page.waitForTimeout(600); // let the toast finish fading in
    await shot('22-cancelled');
    assert.ok(!fs.existsSync(path.join(ws, 'resumed')), 'no file written after cancel');
    await toastButton('cancelled', 'Resume').click();
    // Declining the dialog runs nothing: the repository is still previewed, marked not run.
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'run the generated code' });
    await dialog.waitFor({ timeout: 60000 });
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await toast('new files').waitFor({ timeout: 60000 });
    await toastButton('new files', 'Apply').click();
    await toast('citations').waitFor({ timeout: 30000 });
    assert.match(await toast('citations').innerText(), /Not run \(declined\)\./);
    assert.ok(fs.existsSync(path.join(ws, 'resumed', 'budget_attention', 'encoder.py')));
    assert.match(fs.readFileSync(path.join(ws, 'resumed', 'README.md'), 'utf8'), /consent declined/);
  });

  await step('"Run Tests" in the summary runs the new repository\'s own tests, and they pass', async () => {
    await toastButton('citations', 'Run Tests').click();
    await page.locator('.terminal-tabs-entry, .single-terminal-tab', { hasText: 'in resumed' }).first().waitFor({ timeout: 20000 });
    await page
      .locator('.xterm-rows', { hasText: /PaperTrail: 21 passed, 0 failed/ })
      .first()
      .waitFor({ timeout: 120000 });
    await page.waitForTimeout(500);
    await shot('22b-generated-tests-pass');
    await page.keyboard.press('Control+J');
  });

  await step('"Evaluate Repository…" scores the written repository against the paper and shows the report', async () => {
    await runCommand('PaperTrail: Evaluate Repository…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'resumed' }).first().waitFor({ timeout: 20000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'resumed' }).first().click();
    await quickTitle('Evaluate Repository').waitFor({ timeout: 20000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Reference-free' }).first().click();
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'evaluate resumed' });
    await dialog.waitFor({ timeout: 20000 });
    assert.match(await dialog.innerText(), /One call: ~\d+k prompt tokens/);
    await shot('27a-evaluate-estimate');
    await dialog.locator('.monaco-button', { hasText: 'Evaluate' }).first().click();
    const report = path.join(ws, 'resumed', 'EVALUATION.md');
    for (let i = 0; i < 100 && !fs.existsSync(report); i++) await page.waitForTimeout(200);
    assert.match(fs.readFileSync(report, 'utf8'), /\*\*Overall: 4 \/ 5\*\*/);
    await page.locator('.tab', { hasText: 'Preview EVALUATION.md' }).first().waitFor({ timeout: 20000 });
    await page.waitForTimeout(800);
    await shot('27b-evaluation-report');
    await runCommand('View: Close All Editors');
  });

  await step('the viewer\'s "Reimplement This Section…" starts a run scoped to the section under the cursor', async () => {
    await runCommand('View: Close All Editors');
    await contextMenuOf('paper.pdf');
    await chooseMenuItem('Open Paper');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const eq = frame.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'softmax' }).first();
    await eq.waitFor({ timeout: 30000 });
    await eq.click({ button: 'right' });
    await chooseMenuItem('Reimplement This Section');
    await quickTitle('Reimplement §2 from Paper').waitFor({ timeout: 20000 });
    await page.waitForTimeout(400);
    await shot('25-reimplement-section');
    await page.keyboard.press('Escape');
    // Cancelling the flow closes its picker; the next step's palette must not find it half-closed.
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 });
  });

  await step('a quick fix rewrites the broken tag, and its CodeLens names the new place at once', async () => {
    const modelFile = path.join(process.env.PAPERTRAIL_WS, 'model.py');
    const original = fs.readFileSync(modelFile, 'utf8');
    await runCommand('View: Close All Editors');
    await runCommand('View: Show Explorer');
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: /^model\.py/ })
      .first()
      .click();
    const editor = page.locator('.editor-group-container').first();
    await editor
      .locator('.view-line', { hasText: /§3,\sEq\.\s2/ })
      .first()
      .click();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: /Cite §4/ }).first();
    await fix.waitFor({ timeout: 20000 });
    await shot('09b-quick-fix');
    await fix.click();
    await page
      .locator('.contentWidgets .codelens-decoration', { hasText: /§4 [^·]*, Eq\. 2 · p\. \d/ })
      .first()
      .waitFor({ timeout: 20000 });
    assert.equal(await page.locator('.contentWidgets .codelens-decoration', { hasText: 'Eq. 2 is in §4, not §3' }).count(), 0);
    await shot('09c-quick-fix-lens');
    // The fixed file may already be saved: put it back as it was.
    await page.keyboard.press('Control+Z');
    fs.writeFileSync(modelFile, original);
  });

  await step('several papers: "Several papers…" takes three, asks for the main one, and the plan review shows their graph', async () => {
    const familyUrl = process.env.PAPERTRAIL_FAMILY_LLM_URL;
    assert.ok(familyUrl, 'the test script passes the family model server');
    // The family's answers come from a second scripted server: the workspace points at it for this run.
    const settingsFile = path.join(ws, '.vscode', 'settings.json');
    const settings = fs.readFileSync(settingsFile, 'utf8');
    writeSettings(settingsFile, JSON.stringify({ ...JSON.parse(settings), 'papertrail.llm.baseUrl': familyUrl }, null, 2));
    try {
      await runCommand('View: Close All Editors');
      await runCommand('PaperTrail: Reimplement from Paper');
      await quickTitle('(1/5): the paper').waitFor({ timeout: 20000 });
      const input = page.locator('.quick-input-widget input');
      await input.fill('Several papers');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Several papers' }).first().waitFor();
      await page.keyboard.press('Enter');
      await quickTitle('the papers').waitFor({ timeout: 20000 });
      // A LaTeX folder with its compiled PDF is one row, the .tex, which reads both.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'family-papers/rgu/main.tex · with its PDF' }).first().waitFor();
      assert.equal(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'family-papers/rgu/main.pdf' }).count(), 0);
      for (const k of ['stackrgu', 'rgu', 'tempgate']) {
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `family-papers/${k}/main.tex` }).first();
        await row.locator('.quick-input-list-checkbox, input[type="checkbox"], .monaco-checkbox').first().click();
      }
      await page.waitForTimeout(300);
      await shot('30-several-papers');
      // Enter on a focused row ticks it; OK accepts the ticked papers.
      await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
      await quickTitle('the main paper').waitFor({ timeout: 20000 });
      await input.fill('stackrgu');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'family-papers/stackrgu/main.tex' }).first().waitFor();
      await shot('31-main-paper');
      await page.keyboard.press('Enter');
      await quickTitle('mode').waitFor({ timeout: 20000 });
      await page.keyboard.press('Enter');
      await quickTitle('framework').waitFor();
      await page.keyboard.press('Enter');
      await quickTitle('folder').waitFor({ timeout: 30000 });
      // The folder is named after the main paper.
      assert.equal(await input.inputValue(), 'stackrgu-deep-encoders-from-residual-gated');
      await input.fill('family-repro');
      await page.keyboard.press('Enter');

      const frame = reviewFrame();
      const graph = frame.locator('#paper-graph');
      await graph.locator('.paper-edges line').nth(1).waitFor({ timeout: 60000 });
      assert.deepEqual(await graph.locator('.paper-node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-key'))), [
        'rgu',
        'stackrgu',
        'tempgate',
      ]);
      assert.match(await graph.locator('.paper-node.main').innerText(), /StackRGU/);
      assert.match(await frame.locator('.paper-node[data-key="tempgate"] .builds-on').innerText(), /builds on \[rgu\]/i);
      await page.waitForTimeout(500);
      await frame.locator('#papers-section').screenshot({ path: path.join(shots, '32-plan-review-paper-graph.png') });
      await shot('32b-plan-review-family');
      await frame.locator('#continue').click();
      // The generated code is not run here (the CLI test verifies the family's repository).
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'run the generated code' });
      await dialog.waitFor({ timeout: 60000 });
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      await toast('new files').waitFor({ timeout: 90000 });
      await toastButton('new files', 'Apply').click();
      await toast('citations').waitFor({ timeout: 30000 });
      assert.match(await toast('citations').innerText(), /0 broken/);
      const paperJson = JSON.parse(fs.readFileSync(path.join(ws, 'family-repro', '.papertrail', 'paper.json'), 'utf8'));
      assert.deepEqual(
        paperJson.papers.map((p) => p.key),
        ['stackrgu', 'rgu', 'tempgate'],
      );
    } finally {
      writeSettings(settingsFile, settings);
    }
  });

  await step(
    'a tag of the second paper: its CodeLens and hover name that paper, and the lens opens that paper’s PDF at the passage',
    async () => {
      await runCommand('View: Close All Editors');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('family-repro/rgu_family/rgu.py');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'rgu.py' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'rgu.py' }).first().waitFor();
      const editor = page.locator('.editor-group-container').first();
      await page
        .locator('.contentWidgets .codelens-decoration', { hasText: /^\[rgu\] / })
        .first()
        .waitFor({ timeout: 30000 });
      const line = editor.locator('.view-line', { hasText: /\[rgu\]\s§2\.2,\sEq\.\s2/ }).first();
      await line.waitFor({ timeout: 20000 });
      const tok = line.locator('span', { hasText: /Eq\.\s2/ }).first();
      const box = await tok.boundingBox();
      await page.mouse.move(box.x + 2, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover-content').filter({ hasText: 'RGU: Residual Gated Units for Sequence Encoding' }).first();
      await hover.waitFor({ timeout: 20000 });
      assert.match(await hover.innerText(), /\[rgu\]/);
      assert.match(await hover.innerText(), /Eq\. 2/);
      await hover.locator('img[alt="Eq. 2"]').waitFor({ timeout: 10000 });
      await page.waitForTimeout(300);
      await shot('33-hover-second-paper');
      await page.mouse.move(5, 600);
      // Its lens opens that paper's own PDF (main.pdf beside its LaTeX), at the equation.
      await page
        .locator('.contentWidgets .codelens-decoration a', { hasText: /^\[rgu\] §2\.2 .*Eq\. 2 · p\. 2$/ })
        .first()
        .click();
      const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await frame.locator('.pt-highlight').first().waitFor({ timeout: 30000 });
      assert.equal(await frame.locator('.pt-label').getAttribute('data-label'), 'Eq. 2');
      assert.equal(await frame.locator('#page-number').inputValue(), '2');
      await frame.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'Grace Hopper' }).first().waitFor({ timeout: 20000 });
      await page.waitForTimeout(600);
      await shot('33b-reveal-second-paper');
    },
  );

  await step('a tag whose key names no paper is a problem, and the quick fix offers the closest key', async () => {
    const file = path.join(ws, 'family-repro', 'rgu_family', 'rgu.py');
    const original = fs.readFileSync(file, 'utf8');
    const typo = original.replace('# [rgu] §2.2, Eq. 2 "W x + b"', '# [rug] §2.2, Eq. 2 "W x + b"');
    assert.notEqual(typo, original, 'the tag to break is in rgu.py');
    fs.writeFileSync(file, typo);
    try {
      const editor = page.locator('.editor-group-container').first();
      const line = editor.locator('.view-line', { hasText: /\[rug\]/ }).first();
      await line.waitFor({ timeout: 20000 });
      await page
        .locator('.contentWidgets .codelens-decoration', { hasText: 'no paper has the key [rug] (did you mean [rgu]?)' })
        .first()
        .waitFor({ timeout: 20000 });
      await line.click();
      await page.keyboard.press('Control+.');
      const fix = page
        .locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: 'Cite paper [rgu] instead of [rug]' })
        .first();
      await fix.waitFor({ timeout: 20000 });
      await shot('34-unknown-key-quick-fix');
      await fix.click();
      await editor
        .locator('.view-line', { hasText: /\[rgu\]\s§2\.2,\sEq\.\s2\s"W\sx\s\+\sb"/ })
        .first()
        .waitFor({ timeout: 20000 });
      assert.equal(await editor.locator('.view-line', { hasText: /\[rug\]/ }).count(), 0);
    } finally {
      await page.keyboard.press('Control+Z');
      fs.writeFileSync(file, original);
    }
  });

  await step('a tag of a paper read from LaTeX alone: hovering its lens says how to get a PDF to show the passage in', async () => {
    const file = path.join(ws, 'latex_only.py');
    fs.writeFileSync(file, '# paper: notes.tex\n\n# §1 — the method\nx = 1\n');
    try {
      await runCommand('View: Close All Editors');
      // A file made a moment ago: quick open's file list may not have it yet, its absolute path it opens.
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill(file);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'latex_only.py' }).first().waitFor({ timeout: 20000 });
      await page.keyboard.press('Enter');
      const lens = page
        .locator('.contentWidgets .codelens-decoration span, .contentWidgets .codelens-decoration a', { hasText: '§1 Method' })
        .first();
      await lens.waitFor({ timeout: 30000 });
      assert.match(
        (await lens.getAttribute('title')) ?? '',
        /compile it beside its main \.tex \(e\.g\. latexmk -pdf main\.tex\) and the lens opens it/,
      );
      await lens.hover();
      await page.waitForTimeout(1200);
      await shot('35-latex-only-lens');
      await runCommand('View: Close All Editors');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  await step('the Getting Started walkthrough lists its four steps', async () => {
    await runCommand('Welcome: Open Walkthrough');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with PaperTrail' }).first().click();
    for (const title of ['Connect a model', 'Open a paper', 'Reimplement it', 'Run the tests']) {
      await page.locator('.getting-started-step', { hasText: title }).first().waitFor({ timeout: 20000 });
    }
    await page.waitForTimeout(500);
    await shot('26-walkthrough');
  });

  await step('the API key is in neither settings.json nor any log', async () => {
    const ud = process.env.PAPERTRAIL_UI_USER_DATA;
    const files = fs
      .readdirSync(ud, { recursive: true })
      .map((f) => path.join(ud, String(f)))
      .filter((f) => /settings\.json$|\.log$/.test(f) && fs.statSync(f).isFile());
    assert.ok(
      files.some((f) => /PaperTrail\.log$/.test(f)),
      'the PaperTrail log is among them',
    );
    for (const f of files) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), `key found in ${f}`);
    for (const f of fs
      .readdirSync(ws, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('settings.json'))) {
      assert.ok(!fs.readFileSync(path.join(ws, f), 'utf8').includes(key), `key found in ${f}`);
    }
  });

  await step('no uncaught errors in the workbench page', async () => {
    const ours = pageErrors.filter((m) => /papertrail/i.test(m));
    assert.deepEqual(ours, []);
  });
} finally {
  await close();
  fs.writeFileSync(resultFile, JSON.stringify({ outcomes }, null, 2));
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
