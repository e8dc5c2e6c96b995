// The viewer bundle in headless Chromium with a fake host (no VS Code).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { SampleLayout } from '../fixtures/synthetic/sample-paper';
import { makeSamplePaper } from '../fixtures/synthetic/sample-paper';
import type { Harness } from './harness';
import { startHarness } from './harness';

const SHOTS = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), 'test-results', 'screenshots');
const screenshot = (name: string) => h.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

let h: Harness;
let layout: SampleLayout;

before(async () => {
  h = await startHarness();
  const paper = await makeSamplePaper(6);
  layout = paper.layout;
  await h.open('sample.pdf', paper.bytes);
});
after(() => h?.close());

/** The page's box and a box inside it, both in CSS pixels. */
async function boxes(selector: string, pageNumber: number) {
  const pageBox = await h.page.locator(`.page[data-page-number="${pageNumber}"]`).boundingBox();
  const el = await h.page.locator(selector).first().boundingBox();
  assert.ok(pageBox && el, `${selector} is on the page`);
  return { pageBox, el };
}

test('renders the synthetic paper: page count, first page drawn, text layer selectable', async () => {
  const loaded = (await h.posted()).find((m) => 'type' in m && m.type === 'loaded');
  assert.deepEqual(loaded, { type: 'loaded', pageCount: 6 });
  assert.equal(await h.page.locator('#page-count').innerText(), '/ 6');
  await h.page.locator('.page[data-page-number="1"][data-loaded="true"] canvas').waitFor();
  await h.page.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'Attention on a Budget' }).waitFor();
});

test('pages are rendered lazily: far pages have no canvas until scrolled to', async () => {
  assert.equal(await h.page.locator('.page[data-page-number="6"] canvas').count(), 0);
});

test('reveal puts the equation a third down the view, marks exactly its rectangle, and the page box names its page', async () => {
  const eq = layout.equations.find((e) => e.page === 4)!;
  const reply = await h.request('reveal', { target: { page: eq.page, rects: [eq], label: `Eq. ${eq.number}` } });
  assert.deepEqual(reply, { rpc: 'response', id: reply.id, ok: true, result: { page: eq.page } });
  await h.page.waitForTimeout(300);
  assert.equal(await h.page.locator('#page-number').inputValue(), String(eq.page));
  const highlight = `.page[data-page-number="${eq.page}"] .pt-highlight`;
  await h.page.locator(highlight).waitFor();
  const { pageBox, el } = await boxes(highlight, eq.page);
  const scale = pageBox.width / 612;
  // Expected box: the drawn rectangle, 1.5 units of padding around it, flipped to top-left origin.
  const expected = { left: (eq.x - 1.5) * scale, top: (792 - (eq.y + eq.height + 1.5)) * scale, width: (eq.width + 3) * scale };
  assert.ok(Math.abs(el.x - pageBox.x - expected.left) < 2, `left ${el.x - pageBox.x} ≈ ${expected.left}`);
  assert.ok(Math.abs(el.y - pageBox.y - expected.top) < 2, `top ${el.y - pageBox.y} ≈ ${expected.top}`);
  assert.ok(Math.abs(el.width - expected.width) < 2, `width ${el.width} ≈ ${expected.width}`);
  // Marked without hiding: a translucent fill, no border over the neighbouring lines.
  const style = await h.page.locator(highlight).evaluate((e) => {
    const cs = getComputedStyle(e);
    return { outline: cs.outlineStyle, border: cs.borderTopStyle };
  });
  assert.deepEqual(style, { outline: 'none', border: 'none' });
  // A third down the view, so the sentence that introduces it is in sight above it.
  const view = (await h.page.locator('#viewerContainer').boundingBox())!;
  const third = view.y + view.height / 3;
  assert.ok(Math.abs(el.y - third) < 40, `top of the equation ${Math.round(el.y)} ≈ a third down ${Math.round(third)}`);
  // The label stands in the margin, beside the bar, not over the text.
  const label = (await h.page.locator(`.page[data-page-number="${eq.page}"] .pt-label`).boundingBox())!;
  const bar = (await h.page.locator(`.page[data-page-number="${eq.page}"] .pt-bar`).boundingBox())!;
  assert.equal(await h.page.locator('.pt-label').innerText(), `Eq. ${eq.number}`);
  const outside = (b: { x: number; width: number }) => b.x + b.width <= el.x + 1 || b.x >= el.x + el.width - 1;
  assert.ok(outside(label) && outside(bar), 'label and bar beside the equation, not over it');
  assert.ok(label.x >= pageBox.x - 1 && label.x + label.width <= pageBox.x + pageBox.width + 1, 'the label stays on the page');
  await screenshot('viewer-reveal-equation');
});

test('a passage running onto the next page is marked on both pages', async () => {
  const s = layout.sections.find((x) => x.page === 3)!;
  const next = layout.sections.find((x) => x.page === 4)!;
  const reply = await h.request('reveal', { target: { page: s.page, rects: [s], continued: [{ page: 4, rects: [next] }], label: '§x' } });
  assert.equal(reply.ok, true);
  await h.page.locator('.page[data-page-number="3"] .pt-highlight').waitFor();
  await h.page.locator('.page[data-page-number="4"] .pt-highlight').waitFor();
  assert.equal(await h.page.locator('.pt-label').count(), 1, 'one label, on the first page');
});

test('a second reveal replaces the first highlight, and Back returns to where the reader was', async () => {
  const before = await h.page.locator('#viewerContainer').evaluate((e) => e.scrollTop);
  const s = layout.sections.find((x) => x.number === '3')!;
  await h.request('reveal', { target: { page: s.page, rects: [s], label: '§3' } });
  assert.equal(await h.page.locator('.pt-highlight').count(), 1);
  assert.equal(await h.page.locator('.pt-label').innerText(), '§3');
  assert.equal(await h.page.locator('#back').isDisabled(), false);
  await h.page.locator('#back').click();
  await h.page.waitForFunction((b) => Math.abs(document.getElementById('viewerContainer')!.scrollTop - b) < 3, before);
});

test('a reveal outside the paper is answered with an error, not a silent no-op', async () => {
  const reply = await h.request('reveal', { target: { page: 99, rects: [], label: '§9' } });
  assert.equal(reply.ok, false);
  assert.match(reply.error ?? '', /page 99 is not in this paper \(6 pages\)/);
});

test('outline entries from the parsed sections jump to their page', async () => {
  await h.send({
    type: 'outline',
    entries: layout.sections.map((s) => ({
      number: s.number,
      title: s.title,
      level: 1,
      page: s.page,
      top: s.y + s.height,
      sectionId: `sec:${s.number}`,
    })),
  });
  await h.page.locator('#toggle-outline').click();
  const entries = h.page.locator('#outline a');
  assert.equal(await entries.count(), layout.sections.length);
  const target = layout.sections.find((s) => s.page === 5)!;
  await h.page.locator(`#outline a[data-section-id="sec:${target.number}"]`).click();
  await h.page.waitForFunction(() => (document.getElementById('page-number') as HTMLInputElement).value === '5');
  const heading = await h.page
    .locator('.page[data-page-number="5"] .textLayer span', { hasText: `${target.number} ${target.title}` })
    .first()
    .boundingBox();
  const view = await h.page.locator('#viewerContainer').boundingBox();
  assert.ok(heading && view && heading.y >= view.y && heading.y < view.y + view.height, 'the heading is in view');
  // The outline marks the clicked section as current, and the page box its page.
  await h.page.waitForFunction(
    (id) => document.querySelector('#outline a.current')?.getAttribute('data-section-id') === id,
    `sec:${target.number}`,
  );
  await screenshot('viewer-outline');
});

test('a jump stays on its heading when the view is rescaled in the same moment (the outline opening, the editor resized)', async () => {
  const target = layout.sections.find((s) => s.page === 4)!;
  const width = async () => (await h.page.locator('.page[data-page-number="4"]').boundingBox())!.width;
  await h.page.locator('#toggle-outline').click();
  await h.page.locator('#outline').waitFor({ state: 'hidden' });
  await h.page.waitForTimeout(200);
  const wide = await width();
  // Open the outline and click an entry before the resize it causes has been handled: the reader's quick double move.
  await h.page.evaluate((id) => {
    document.getElementById('toggle-outline')!.click();
    document.querySelector<HTMLElement>(`#outline a[data-section-id="${id}"]`)!.click();
  }, `sec:${target.number}`);
  await h.page.waitForFunction((w) => {
    const box = document.querySelector('.page[data-page-number="4"]')!.getBoundingClientRect();
    return Math.abs(box.width - w) > 5;
  }, wide);
  await h.page.waitForTimeout(300);
  assert.ok((await width()) < wide, 'the pages narrowed with the outline open');
  const heading = await h.page
    .locator('.page[data-page-number="4"] .textLayer span', { hasText: `${target.number} ${target.title}` })
    .first()
    .boundingBox();
  const view = (await h.page.locator('#viewerContainer').boundingBox())!;
  assert.ok(
    heading && heading.y >= view.y && heading.y < view.y + view.height / 4,
    `the heading near the top of the view (${heading?.y} in ${view.y}…${view.y + view.height})`,
  );
  assert.equal(await h.page.locator('#page-number').inputValue(), '4');
  assert.equal(await h.page.locator('#outline a.current').getAttribute('data-section-id'), `sec:${target.number}`);
});

test('the coverage overlay marks each equation by its state, the toolbar sums it up, and a mark opens the citing code', async () => {
  const [eq1, eq2] = [layout.equations[0]!, layout.equations[1]!];
  await h.page.locator('#toggle-coverage').click();
  await h.answer('coverage', {
    marks: [
      {
        page: eq1.page,
        rects: [eq1],
        label: 'Eq. 1',
        state: 'tested',
        detail: 'implemented by pkg/model.py:5; tested by tests/test_model.py:9',
      },
      { page: eq2.page, rects: [eq2], label: 'Eq. 2', state: 'none', detail: 'no code cites it' },
    ],
    summary: '1/2 equations implemented, 1/2 tested',
  });
  assert.equal(await h.page.locator('#coverage-summary').innerText(), '1/2 equations implemented, 1/2 tested');
  assert.equal(await h.page.locator('#toggle-coverage').getAttribute('aria-pressed'), 'true');
  await h.request('reveal', { target: { page: eq1.page, rects: [eq1], label: 'Eq. 1' } });
  const mark = h.page.locator(`.page[data-page-number="${eq1.page}"] .pt-cov-tested`);
  await mark.waitFor();
  assert.match((await mark.getAttribute('title')) ?? '', /^Eq\. 1: implemented and tested — implemented by pkg\/model\.py:5/);
  // In the margin, not over the equation.
  const { el } = await boxes(`.page[data-page-number="${eq1.page}"] .pt-highlight`, eq1.page);
  const m = (await mark.boundingBox())!;
  assert.ok(m.x + m.width <= el.x + 1 || m.x >= el.x + el.width - 1, 'the mark stands beside the equation');
  await screenshot('viewer-coverage');
  await mark.click();
  const asked = (await h.answer('openCiting', true)) as { page: number; x: number; y: number };
  assert.equal(asked.page, eq1.page);
  assert.ok(asked.x > eq1.x && asked.x < eq1.x + eq1.width && asked.y > eq1.y && asked.y < eq1.y + eq1.height, 'inside the equation');
  await h.page.locator('#toggle-coverage').click();
  assert.equal(await h.page.locator('.pt-cov').count(), 0);
});

test('find in document counts matches', async () => {
  await h.page.locator('#find-input').fill('softmax');
  await h.page.waitForFunction(() => /of 1$/.test(document.getElementById('find-count')!.textContent ?? ''));
  await h.page.locator('#find-input').fill('no such words anywhere');
  await h.page.waitForFunction(() => document.getElementById('find-count')!.textContent === 'No results');
  await h.page.locator('#find-input').fill('');
});

test('zoom and scroll position are reported to the host as state', async () => {
  await h.page.locator('#zoom').selectOption('1.5');
  await h.page.waitForFunction(() => {
    const posted = (window as unknown as { __posted: { type: string; state?: { zoom: string } }[] }).__posted;
    return posted.some((m) => m.type === 'state' && m.state?.zoom === '1.5');
  });
});

test('a reopened paper comes back at its saved zoom, page and outline', async () => {
  const paper = await makeSamplePaper(6);
  await h.open('reopened.pdf', paper.bytes, { zoom: '1.5', page: 4, pageOffset: 0.25, outlineOpen: true });
  assert.equal(await h.page.locator('#zoom').inputValue(), '1.5');
  assert.equal(await h.page.locator('#page-number').inputValue(), '4');
  assert.equal(await h.page.locator('#outline').isVisible(), true);
});

test('a PDF carrying JavaScript renders and runs none of it', async () => {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([300, 200]).drawText('Has a script', { x: 20, y: 100, size: 14, font });
  pdf.addJavaScript('boom', 'app.alert("pwned"); this.print(); globalThis.__pwned = true;');
  const dialogs: string[] = [];
  h.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const requests: string[] = [];
  h.page.on('request', (r) => requests.push(r.url()));
  await h.open('script.pdf', await pdf.save());
  await h.page.locator('.page[data-page-number="1"] .textLayer span', { hasText: 'Has a script' }).waitFor();
  await h.page.waitForTimeout(500);
  assert.deepEqual(dialogs, []);
  assert.equal(await h.page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned ?? false), false);
  assert.ok(!requests.some((u) => /sandbox/.test(u)), 'pdf.js scripting sandbox never loaded');
});
