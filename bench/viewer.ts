// npm run bench:viewer — the viewer bundle in headless Chromium (fake host, no VS Code):
// time to the first rendered page and to a reveal highlight, on a 15- and a 200-page paper.
import { makeSamplePaper } from '../test/fixtures/synthetic/sample-paper';
import { startHarness } from '../test/webview/harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  const h = await startHarness();
  const rows: string[][] = [];
  try {
    for (const pages of [15, 200]) {
      const { bytes, layout } = await makeSamplePaper(pages);
      const first: number[] = [];
      const ready: number[] = [];
      const fromLoad: number[] = [];
      const reveal: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const t0 = Date.now();
        const { pageReadyMs } = await h.open(`paper-${pages}-${run}.pdf`, bytes);
        await h.page.locator('.page[data-page-number="1"][data-loaded="true"] canvas').waitFor();
        first.push(Date.now() - t0);
        ready.push(pageReadyMs);
        fromLoad.push(Date.now() - t0 - pageReadyMs);
        // A far-away equation, so the reveal includes scrolling and rendering that page.
        const eq = layout.equations[layout.equations.length - 1]!;
        const t1 = Date.now();
        await Promise.all([
          h.request('reveal', { target: { page: eq.page, rects: [eq], label: `Eq. ${eq.number}` } }),
          h.page.locator(`.page[data-page-number="${eq.page}"][data-loaded="true"] .pt-highlight`).waitFor(),
        ]);
        reveal.push(Date.now() - t1);
      }
      rows.push([String(pages), `${(bytes.byteLength / 1024).toFixed(0)} KB`, stat(first), stat(ready), stat(fromLoad), stat(reveal)]);
    }
  } finally {
    await h.close();
  }
  const head = ['pages', 'size', 'open → first page', 'of which: viewer page ready', 'paper sent → first page', 'reveal → highlight'];
  console.log(`viewer benchmark: ms, median / max of ${RUNS} runs, headless Chromium, production bundle`);
  console.log(table([head, ...rows]));
  console.log('goals: first page < 500 ms, highlight < 200 ms');
}

function stat(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]} / ${s[s.length - 1]}`;
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  |  ')).join('\n');
}

void main().catch((e) => {
  console.error(`bench:viewer failed: ${(e as Error).message}`);
  process.exit(1);
});
