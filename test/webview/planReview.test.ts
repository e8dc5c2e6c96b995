// The plan review page: planView() on its own, then the real bundle (mermaid included) in
// headless Chromium under the page's own CSP, with a fake host and VS Code's dark theme.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { CostEstimate } from '../../src/core/pipeline/estimate';
import type { Plan } from '../../src/core/pipeline/prompts';
import type { PlanReviewInput } from '../../src/extension/codegen/planReviewHtml';
import { parsePaper } from '../../src/core/paper/parse';
import { filesInOrder, highlightConfig, planReviewHtml, planView } from '../../src/extension/codegen/planReviewHtml';
import { writeSamplePaper } from '../fixtures/synthetic/sample-paper';
import type { HostToPlanReview, PlanReviewToHost, PlanReviewView } from '../../src/extension/codegen/planReviewProtocol';

const ROOT = process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd();
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

// A realistic plan: the planning answers for a small attention paper (scaled dot-product
// attention, affine projections, an encoder), as a good model writes them.
const CLASS_DIAGRAM = `classDiagram
    class ModelConfig {
        +int vocab_size
        +int d_model
        +int d_k
        +int d_v
        +bool bias
        +int pad_id
        +int seed
    }
    class Module
    class AffineProjection {
        +Parameter weight
        +Parameter bias
        +forward(x) Tensor
    }
    class Encoder {
        +ModelConfig cfg
        +Embedding embed
        +AffineProjection q_proj
        +AffineProjection k_proj
        +AffineProjection v_proj
        +AffineProjection out_proj
        +from_config(path, overrides) Encoder
        +forward(ids, mask) tuple
    }
    class attention {
        <<module>>
        +scaled_dot_product_attention(q, k, v, mask) tuple
    }
    Module <|-- AffineProjection
    Module <|-- Encoder
    Encoder --> ModelConfig : built from
    Encoder *-- AffineProjection : Q, K, V and output maps
    Encoder ..> attention : calls Eq. 1`;

const SEQUENCE_DIAGRAM = `sequenceDiagram
    participant User
    participant Enc as Encoder
    participant Emb as Embedding
    participant Proj as AffineProjection (Eq. 2)
    participant Attn as scaled_dot_product_attention (Eq. 1)
    User->>Enc: forward(ids)
    Enc->>Enc: mask = ids != pad_id
    Enc->>Emb: embed(ids)
    Emb-->>Enc: x (B, T, d_model)
    Enc->>Proj: q_proj(x), k_proj(x), v_proj(x)
    Proj-->>Enc: Q, K (B, T, d_k) and V (B, T, d_v)
    Enc->>Attn: Q, K, V, mask
    Attn-->>Enc: out (B, T, d_v), weights (B, T, T)
    Enc->>Proj: out_proj(out)
    Proj-->>Enc: states (B, T, d_model)
    Enc-->>User: states, weights`;

const CONFIG = `# Configuration of the encoder of "Attention on a Budget" (minimal reproduction).
# §2 "simple attention model" — the paper gives the form of the model, not its sizes.
model:
  vocab_size: 32   # [UNSPECIFIED] number of input symbols; alternatives: 100, 32000 (set by the task's vocabulary)
  d_model: 64      # [UNSPECIFIED] model width; alternatives: 128, 512
  d_k: 64          # [PARTIALLY_SPECIFIED] Eq. 1 "sqrt(d_k)" names the key width but not its value; alternatives: 32, 128
  d_v: 64          # [UNSPECIFIED] value width (V in Eq. 1); alternatives: 32, d_k
  bias: true       # §4, Eq. 2 "h_2 = W_2 x + b_2" — every projection is affine, with a bias b
  pad_id: 0        # [ASSUMPTION] symbol 0 pads a batch; padded keys are masked out of Eq. 1
seed: 0            # [UNSPECIFIED] random seed for parameter initialisation; alternatives: any integer
`;

const PLAN: Plan = {
  overview: {
    title: 'Attention on a Budget',
    summary:
      'The paper studies a simple attention model for sequence transduction. An encoder maps an input sequence of symbol ' +
      'representations to continuous representations. The model rests on scaled dot-product attention (Eq. 1, §2) and on ' +
      'affine maps h = W x + b (Eq. 2, §4). The paper gives no sizes, so a minimal reproduction implements the two equations ' +
      'and the encoder, and flags every size.',
    components: [
      {
        name: 'Scaled dot-product attention',
        purpose: 'softmax(QK^T / sqrt(d_k)) V with an optional key mask',
        cite: '§2, Eq. 1 "Attention(Q, K, V) = softmax(QK^T / sqrt(d_k)) V"',
      },
      { name: 'Affine projection', purpose: 'h = W x + b on the last axis', cite: '§4, Eq. 2 "h_2 = W_2 x + b_2"' },
      {
        name: 'Encoder',
        purpose: 'symbol ids → embeddings → Q, K, V → attention → output projection',
        cite: '§2 "The encoder maps an input sequence"',
      },
    ],
    training: '',
    evaluation: '',
  },
  architecture: {
    files: [
      { path: 'budget_attention/__init__.py', purpose: 'Package interface' },
      { path: 'budget_attention/config.py', purpose: 'ModelConfig dataclass and load_config' },
      { path: 'budget_attention/attention.py', purpose: 'scaled_dot_product_attention: Eq. 1 with an optional key mask' },
      { path: 'budget_attention/projection.py', purpose: 'AffineProjection: Eq. 2 as an nn.Module' },
      { path: 'budget_attention/encoder.py', purpose: 'Encoder of §2' },
      { path: 'tests/test_attention.py', purpose: 'Eq. 1: shapes, hand-computed example, gradients, stability, masking' },
      { path: 'tests/test_encoder.py', purpose: 'Encoder: shapes, padding mask, gradients, seeding' },
    ],
    classDiagram: CLASS_DIAGRAM,
    sequenceDiagram: SEQUENCE_DIAGRAM,
    openQuestions: [
      {
        question: 'What are the model sizes (d_model, d_k, d_v, vocabulary)?',
        options: ['d_model = d_k = d_v = 64', 'd_model = d_k = d_v = 512'],
        cite: '[PARTIALLY_SPECIFIED] Eq. 1 "sqrt(d_k)" names the key width but no value is given',
      },
      {
        question: 'Does the encoder add residual connections or normalisation?',
        options: ['none (only what the paper describes)', 'residual + layer norm'],
        cite: '[UNSPECIFIED] the paper describes none of them',
      },
    ],
  },
  logic: {
    // Not quite in dependency order, as models sometimes answer: the encoder comes before projection.py.
    files: [
      {
        path: 'budget_attention/config.py',
        responsibilities: ['ModelConfig frozen dataclass', 'load_config(path=None, **overrides)'],
        dependsOn: [],
        cites: ['§2 "simple attention model"', '[UNSPECIFIED] every size'],
      },
      {
        path: 'budget_attention/attention.py',
        responsibilities: ['scaled_dot_product_attention(q, k, v, mask=None) -> (output, weights)'],
        dependsOn: [],
        cites: ['§2, Eq. 1 "QK^T / sqrt(d_k)"', '[ASSUMPTION] finite mask value instead of -inf'],
      },
      {
        path: 'budget_attention/encoder.py',
        responsibilities: ['Encoder(cfg): embedding, q/k/v projections, output projection', 'forward(ids, mask=None) -> (states, weights)'],
        dependsOn: ['budget_attention/config.py', 'budget_attention/attention.py', 'budget_attention/projection.py'],
        cites: ['§2', '§2, Eq. 1', '§4, Eq. 2'],
      },
      {
        path: 'budget_attention/projection.py',
        responsibilities: ['AffineProjection(d_in, d_out, bias=True)'],
        dependsOn: [],
        cites: ['§4, Eq. 2 "h_2 = W_2 x + b_2"', '[UNSPECIFIED] initialisation'],
      },
      {
        path: 'budget_attention/__init__.py',
        responsibilities: ['re-export the public names'],
        dependsOn: ['budget_attention/encoder.py'],
        cites: ['§2'],
      },
      {
        path: 'tests/test_attention.py',
        responsibilities: ['Eq. 1: shapes, rows sum to 1, gradient flow, large logits, masking'],
        dependsOn: ['budget_attention/attention.py'],
        cites: ['§2, Eq. 1'],
      },
      {
        path: 'tests/test_encoder.py',
        responsibilities: ['encoder shapes, padding mask, gradients, seeding'],
        dependsOn: ['budget_attention/__init__.py', 'tests/conftest.py'],
        cites: ['§2 "a sequence of continuous representations"'],
      },
    ],
    packages: [
      { name: 'torch', version: '>=1.13' },
      { name: 'pyyaml', version: '>=6.0' },
      { name: 'pytest', version: '' },
    ],
    shared: 'PyTorch, float32, CPU. Tensors are batch-first: ids (B, T) int64; states (B, T, d_model).',
  },
  config: { path: 'configs/base.yaml', content: CONFIG },
};

const ESTIMATE: CostEstimate = {
  stages: {
    analysis: { calls: 7, promptTokens: 58_310, completionTokens: 4_900, cost: 0.0248 },
    coding: { calls: 7, promptTokens: 63_120, completionTokens: 9_800, cost: 0.0356 },
    docs: { calls: 1, promptTokens: 8_950, completionTokens: 2_200, cost: 0.0071 },
  },
  calls: 15,
  promptTokens: 130_380,
  completionTokens: 16_900,
  cost: 0.0675,
};

const INPUT: PlanReviewInput = {
  plan: PLAN,
  estimate: ESTIMATE,
  refused: [{ path: '../../.ssh/authorized_keys', reason: 'it leaves the output folder' }],
  title: 'Attention on a Budget',
  models: 'gpt-4.1-mini (planning: gpt-4.1)',
};

// VS Code's "Dark Modern" values for the variables the page uses; VS Code sets them on <html>.
const DARK_THEME = `html {
  --vscode-font-family: system-ui, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-editor-foreground: #cccccc; --vscode-editor-background: #1f1f1f;
  --vscode-descriptionForeground: #9d9d9d; --vscode-panel-border: #2b2b2b; --vscode-widget-border: #313131;
  --vscode-editorWidget-background: #202020; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-textLink-foreground: #4daafc; --vscode-focusBorder: #0078d4;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-border: #ffffff12; --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-input-background: #313131; --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c;
  --vscode-inputValidation-warningBackground: #352a05; --vscode-inputValidation-warningBorder: #b89500;
  --vscode-editorWarning-foreground: #cca700; --vscode-errorForeground: #f85149;
  --vscode-charts-orange: #d18616; --vscode-charts-yellow: #cca700; --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185;
  --vscode-debugTokenExpression-name: #c586c0; --vscode-debugTokenExpression-string: #ce9178;
}`;

let server: http.Server;
let origin: string;
let context: BrowserContext;
let page: Page;
let profile: string;
const files = new Map<string, Buffer>();
const problems: string[] = [];

before(async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'planReview.js')))
    throw new Error('dist/webview/planReview.js is missing: run `node esbuild.mjs` first');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = path.join(ROOT, path.normalize(url.pathname));
    const body =
      files.get(url.pathname) ??
      (url.pathname.startsWith('/dist/webview/') && file.startsWith(path.join(ROOT, 'dist', 'webview')) && fs.existsSync(file)
        ? fs.readFileSync(file)
        : undefined);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const type = url.pathname.endsWith('.js') ? 'text/javascript' : url.pathname.endsWith('.css') ? 'text/css' : 'text/html';
    res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-plan-review-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.PAPERTRAIL_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1000, height: 900 },
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
  page = context.pages()[0] ?? (await context.newPage());
  // Anything the CSP blocks (an eval in mermaid, a stray inline script) or a script error fails the tests.
  page.on('console', (m) => {
    // Failed loads are reported below with their URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
  });
  page.on('response', (r) => {
    // Chromium asks for a favicon on its own; a webview never does.
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin)) problems.push(`request outside the page's origin: ${r.url()}`);
  });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

/** Opens the page as VS Code would (dark theme), waits for `ready`, posts the plan. */
async function open(view: PlanReviewView): Promise<void> {
  const nonce = crypto.randomBytes(16).toString('base64');
  const fakeHost = `<style>${DARK_THEME}</style>
<script nonce="${nonce}">
  document.body.classList.add('vscode-dark');
  window.__posted = []; let handler;
  window.__papertrailHost = { post: (m) => window.__posted.push(m), onMessage: (h) => { handler = h; } };
  window.__send = (m) => handler(m);
</script>`;
  const html = planReviewHtml({ cspSource: origin, asset: (p) => `${origin}/${p}`, nonce, title: view.title }).replace(
    '<script nonce=',
    `${fakeHost}\n<script nonce=`,
  );
  files.set('/plan.html', Buffer.from(html));
  await page.goto(`${origin}/plan.html`);
  await waitForPosted('ready');
  const message: HostToPlanReview = { type: 'plan', view };
  await page.evaluate((m) => (window as unknown as { __send: (m: HostToPlanReview) => void }).__send(m), message);
  await page.locator('#plan').waitFor();
}

async function waitForPosted(type: PlanReviewToHost['type']): Promise<PlanReviewToHost> {
  const handle = await page.waitForFunction(
    (t) => ((window as unknown as { __posted?: { type: string }[] }).__posted ?? []).find((m) => m.type === t),
    type,
    { timeout: 20000 },
  );
  return (await handle.jsonValue()) as PlanReviewToHost;
}

const posted = () => page.evaluate(() => (window as unknown as { __posted: PlanReviewToHost[] }).__posted);
const diagramsDone = () =>
  page.waitForFunction(
    () => ['class-diagram', 'sequence-diagram'].every((id) => document.getElementById(id)!.querySelector('svg, pre')),
    undefined,
    { timeout: 30000 },
  );

test('planView: files in dependency order, with their purpose and unknown dependencies marked', () => {
  const files = filesInOrder(PLAN);
  const order = files.map((f) => f.path);
  assert.ok(order.indexOf('budget_attention/projection.py') < order.indexOf('budget_attention/encoder.py'), order.join(', '));
  // Otherwise the plan's own order stands.
  assert.deepEqual(order.slice(0, 2), ['budget_attention/config.py', 'budget_attention/attention.py']);
  assert.equal(
    files.find((f) => f.path === 'budget_attention/attention.py')!.purpose,
    'scaled_dot_product_attention: Eq. 1 with an optional key mask',
  );
  assert.deepEqual(files.find((f) => f.path === 'tests/test_encoder.py')!.dependsOn, [
    { path: 'budget_attention/__init__.py', known: true },
    { path: 'tests/conftest.py', known: false },
  ]);
  // A cycle does not lose files.
  const cyclic: Plan = {
    ...PLAN,
    logic: {
      ...PLAN.logic,
      files: [
        { path: 'a.py', responsibilities: [], dependsOn: ['b.py'], cites: [] },
        { path: 'b.py', responsibilities: [], dependsOn: ['a.py'], cites: [] },
      ],
    },
  };
  assert.deepEqual(
    filesInOrder(cyclic).map((f) => f.path),
    ['a.py', 'b.py'],
  );
});

test('planView: the estimate says calls, tokens and dollars, or that the cost is unknown', () => {
  const v = planView(INPUT);
  assert.equal(v.estimate.text, '≈ 15 calls · 147k tokens · ≈ $0.07');
  assert.equal(v.estimate.stages[0], 'analysis: 7 calls, 58k in / 4.9k out, $0.02');
  const unknown = planView({
    ...INPUT,
    estimate: { ...ESTIMATE, cost: undefined, stages: { coding: { calls: 1, promptTokens: 900, completionTokens: 1400 } } },
  });
  assert.equal(unknown.estimate.text, '≈ 15 calls · 147k tokens · cost unknown');
  assert.equal(unknown.estimate.costKnown, false);
  assert.deepEqual(unknown.estimate.stages, ['coding: 1 call, 900 in / 1.4k out, cost unknown']);
});

test('planView: config comments cut into citations, quotes and flags by the tag grammar', () => {
  const { lines, flags } = highlightConfig(CONFIG);
  assert.deepEqual(flags, { UNSPECIFIED: 4, PARTIALLY_SPECIFIED: 1, ASSUMPTION: 1 });
  const bias = lines.find((l) => l.some((s) => s.text === 'bias'))!;
  assert.deepEqual(
    bias.filter((s) => s.kind && s.kind !== 'comment'),
    [
      { text: 'bias', kind: 'key' },
      { text: '§4', kind: 'cite' },
      { text: 'Eq. 2', kind: 'cite' },
      { text: '"h_2 = W_2 x + b_2"', kind: 'quote' },
    ],
  );
  const dk = lines.find((l) => l.some((s) => s.text === 'd_k'))!;
  assert.deepEqual(
    dk.filter((s) => s.kind === 'flag' || s.kind === 'cite').map((s) => s.text),
    ['[PARTIALLY_SPECIFIED]', 'Eq. 1'],
  );
  // Every character survives the cut; a # inside quotes or a block scalar is not a comment.
  assert.equal(lines.map((l) => l.map((s) => s.text).join('')).join('\n'), CONFIG);
  const tricky = highlightConfig('name: "a # b"  # §3\nnote: |\n  # not a comment\nx: 1');
  assert.deepEqual(
    tricky.lines[0]!.filter((s) => s.kind === 'comment' || s.kind === 'cite').map((s) => s.text),
    ['# ', '§3'],
  );
  assert.deepEqual(tricky.lines[2], [{ text: '  # not a comment' }]);
  assert.deepEqual(tricky.lines[3]![0], { text: 'x', kind: 'key' });
});

test('the page shows the plan; both diagrams render as SVG with their classes and participants', async () => {
  await open(planView(INPUT));
  await diagramsDone();
  assert.equal(await page.locator('h1').innerText(), 'Plan: Attention on a Budget');
  const meta = await page.locator('#meta').innerText();
  assert.match(meta, /gpt-4\.1-mini \(planning: gpt-4\.1\)/);
  assert.match(meta, /≈ 15 calls · 147k tokens · ≈ \$0\.07/);
  assert.equal(await page.locator('#files > li').count(), 7);
  assert.match(
    await page.locator('#files > li').nth(3).innerText(),
    /budget_attention\/encoder\.py[\s\S]*Needs budget_attention\/config\.py budget_attention\/attention\.py budget_attention\/projection\.py\s+Cites §2 §2, Eq\. 1 §4, Eq\. 2/i,
  );
  assert.equal(await page.locator('#files .chip.missing').innerText(), 'tests/conftest.py');

  const classSvg = page.locator('#class-diagram svg');
  assert.equal(await classSvg.count(), 1);
  const classText = await classSvg.textContent();
  for (const name of ['ModelConfig', 'AffineProjection', 'Encoder', 'attention', 'scaled_dot_product_attention'])
    assert.ok(classText!.includes(name), `class diagram shows ${name}`);
  const seqSvg = page.locator('#sequence-diagram svg');
  assert.equal(await seqSvg.count(), 1);
  const seqText = await seqSvg.textContent();
  for (const name of ['User', 'Encoder', 'Embedding', 'AffineProjection (Eq. 2)', 'forward(ids)'])
    assert.ok(seqText!.includes(name), `sequence diagram shows ${name}`);
  // The page's own styles stay out of the diagrams (mermaid's classes are generic: label, note, ...).
  assert.equal(
    await classSvg.evaluate((svg) => [...svg.querySelectorAll('*')].filter((e) => getComputedStyle(e).textTransform !== 'none').length),
    0,
  );
  const box = await classSvg.boundingBox();
  assert.ok(box && box.width > 200 && box.height > 150, `the class diagram has a size (${JSON.stringify(box)})`);
  assert.match(await page.locator('#refused').innerText(), /\.\.\/\.\.\/\.ssh\/authorized_keys — it leaves the output folder/);
  assert.match(await page.locator('#questions').innerText(), /model sizes[\s\S]*d_model = d_k = d_v = 512/);
  assert.deepEqual(problems, []);
});

test('config flags and citations are highlighted in their own colours', async () => {
  assert.equal(await page.locator('#config .flag-unspecified').count(), 4);
  assert.equal(await page.locator('#config .flag-partially_specified').count(), 1);
  assert.equal(await page.locator('#config .flag-assumption').count(), 1);
  assert.equal(await page.locator('#config .flag-unspecified').first().innerText(), '[UNSPECIFIED]');
  assert.deepEqual(await page.locator('#config .cite').allInnerTexts(), ['§2', 'Eq. 1', 'Eq. 1', '§4', 'Eq. 2', 'Eq. 1']);
  const colour = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((e) => getComputedStyle(e).color);
  assert.equal(await colour('#config .flag-unspecified'), 'rgb(209, 134, 22)');
  assert.equal(await colour('#config .flag-assumption'), 'rgb(55, 148, 255)');
  assert.equal(await colour('#config .cite'), 'rgb(77, 170, 252)');
  assert.notEqual(await colour('#config .comment'), await colour('#config .flag-unspecified'));
  assert.match(await page.locator('#config-flags').innerText(), /\[UNSPECIFIED\] × 4/);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'plan-review.png'), fullPage: true });
});

test('the buttons are reached with Tab and show a focus ring', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'continue');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  assert.equal(ring, 'solid');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'edit-config');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cancel');
});

test('Edit config, change it, Continue: the edited text goes to the host', async () => {
  await page.locator('#edit-config').click();
  const editor = page.locator('#config-editor');
  assert.equal(await editor.isVisible(), true);
  assert.equal(await page.locator('#config').isVisible(), false);
  assert.equal(await editor.inputValue(), CONFIG);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'config-editor');
  const edited = CONFIG.replace('d_model: 64 ', 'd_model: 512');
  await editor.fill(edited);
  await page.locator('#continue').click();
  assert.deepEqual(await waitForPosted('continue'), { type: 'continue', config: edited });
  assert.equal(await page.locator('#continue').isDisabled(), true);
  assert.equal(await page.locator('#cancel').isDisabled(), true);
  // One decision only.
  await page.locator('#cancel').click({ force: true });
  assert.deepEqual(
    (await posted()).map((m) => m.type),
    ['ready', 'continue'],
  );
});

test('Continue without an edit sends no config; Discard edits goes back to the plan', async () => {
  await open(planView(INPUT));
  await page.locator('#edit-config').click();
  await page.locator('#config-editor').fill('model: {}\n');
  await page.locator('#edit-config').click();
  assert.equal(await page.locator('#config').isVisible(), true);
  assert.equal(await page.locator('#edit-config').innerText(), 'Edit config');
  await page.locator('#continue').click();
  assert.deepEqual(await waitForPosted('continue'), { type: 'continue' });
});

test('Cancel sends cancel', async () => {
  await open(planView(INPUT));
  await page.locator('#cancel').click();
  assert.deepEqual(await waitForPosted('cancel'), { type: 'cancel' });
  assert.equal(await page.locator('#continue').isDisabled(), true);
});

test('a diagram that does not parse shows its source and a note; the other still renders', async () => {
  const broken = 'classDiagram\n    class Encoder {\n        +forward(ids) Tensor\n    Encoder <|-- -- ModelConfig : ???\n';
  const gantt = 'gantt\n    title Not drawn here\n    section A\n    Task :a1, 2024-01-01, 3d\n';
  await open(planView({ ...INPUT, plan: { ...PLAN, architecture: { ...PLAN.architecture, classDiagram: broken } } }));
  await diagramsDone();
  assert.equal(await page.locator('#class-diagram svg').count(), 0);
  assert.equal(await page.locator('#class-diagram pre.diagram-source').textContent(), broken);
  assert.match(
    await page.locator('#class-diagram .diagram-error').innerText(),
    /^Could not draw the class diagram \(Parse error on line 4\); its source is shown instead\.$/,
  );
  assert.equal(await page.locator('#sequence-diagram svg').count(), 1);
  // Mermaid's scratch elements and error graphics do not pile up in the page.
  assert.equal(await page.locator('body > [id^="dpt-mermaid"], body > svg').count(), 0);
  await page.locator('#class-diagram').screenshot({ path: path.join(SHOTS, 'plan-review-broken-diagram.png') });

  // A diagram type the bundle leaves out is shown the same way.
  await open(planView({ ...INPUT, plan: { ...PLAN, architecture: { ...PLAN.architecture, sequenceDiagram: gantt } } }));
  await diagramsDone();
  assert.equal(await page.locator('#sequence-diagram pre.diagram-source').textContent(), gantt);
  assert.match(
    await page.locator('#sequence-diagram .diagram-error').innerText(),
    /^Could not draw the sequence diagram \(.+\); its source is shown instead\.$/,
  );
  assert.equal(await page.locator('#class-diagram svg').count(), 1);
  problems.length = 0;
});

test('text from the model is shown as text, never run as HTML', async () => {
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await open(planView({ ...INPUT, plan: { ...PLAN, overview: { ...PLAN.overview, summary: hostile } }, refused: [] }));
  assert.equal(await page.locator('#summary').innerText(), hostile);
  assert.equal(await page.locator('#summary img').count(), 0);
  assert.equal(await page.locator('#refused').isVisible(), false);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
});

test('the plan’s own citations are resolved against the paper: a broken one is listed and marked before Continue', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-review-paper-'));
  await writeSamplePaper(path.join(dir, 'paper.pdf'));
  const parsed = await parsePaper(path.join(dir, 'paper.pdf'), { noCache: true });
  assert.ok(parsed.ok);
  const plan: Plan = {
    ...PLAN,
    overview: {
      ...PLAN.overview,
      components: [...PLAN.overview.components, { name: 'Gate', purpose: 'a gate the paper lacks', cite: '§4, Eq. 9 "a gate"' }],
    },
  };
  const view = planView({ ...INPUT, plan, paper: parsed.value });
  assert.deepEqual(
    view.brokenCites.map((b) => b.cite),
    ['§4, Eq. 9 "a gate"'],
  );
  assert.match(view.brokenCites[0]!.reason, /Eq\. 9/);
  await open(view);
  await page.locator('#broken-cites li', { hasText: '§4, Eq. 9' }).waitFor();
  const chip = page.locator('#components .chip.cite.broken');
  assert.equal(await chip.count(), 1);
  assert.match((await chip.getAttribute('title')) ?? '', /^Broken: /);
  await page.locator('#broken-cites').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'plan-review-broken-cites.png') });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('math in the plan’s text is typeset: $…$ spans become images; a span that does not typeset and prices stay text', async () => {
  const plan: Plan = {
    ...PLAN,
    overview: { ...PLAN.overview, summary: 'Scores are scaled by $1/\\sqrt{d_k}$ (Eq. 1); $\\frac{a}{$ stays text; it costs $5 and $6.' },
  };
  const view = planView({ ...INPUT, plan });
  assert.deepEqual(Object.keys(view.math), ['1/\\sqrt{d_k}']);
  assert.match(view.math['1/\\sqrt{d_k}']!, /^data:image\/svg\+xml;base64,/);
  await open(view);
  const img = page.locator('#summary img.math');
  assert.equal(await img.count(), 1);
  assert.equal(await img.getAttribute('alt'), '1/\\sqrt{d_k}');
  assert.ok(((await img.boundingBox())?.width ?? 0) > 10, 'the image has a size');
  assert.match(await page.locator('#summary').innerText(), /\$\\frac\{a\}\{\$ stays text; it costs \$5 and \$6\./);
  await page.locator('#summary').screenshot({ path: path.join(SHOTS, 'plan-review-math.png') });
});

/** The sample plan as a family of three papers: a base layer, a stack of it, a changed gate. */
function familyPlan(): Plan {
  const files = PLAN.logic.files.map((f, i) => ({ ...f, paper: ['rgu', 'stackrgu', 'tempgate'][i % 3]! }));
  return {
    ...PLAN,
    logic: { ...PLAN.logic, files },
    family: {
      papers: [
        { key: 'stackrgu', title: 'StackRGU: Deep Encoders from Residual Gated Units', id: 'sha256:a', ref: 'papers/stackrgu' },
        { key: 'rgu', title: 'RGU: Residual Gated Units for Sequence Encoding', id: 'sha256:b', ref: 'papers/rgu' },
        { key: 'tempgate', title: 'TempGate: Temperature-Scaled Gates for Residual Gated Units', id: 'sha256:c', ref: 'papers/tempgate' },
      ],
      extractions: [],
      graph: {
        order: ['rgu', 'stackrgu', 'tempgate'],
        edges: [
          { from: 'stackrgu', to: 'rgu', what: 'stacks the RGU layer (Eq. 2) L times' },
          { from: 'tempgate', to: 'rgu', what: 'replaces the gate of Eq. 1' },
        ],
      },
    },
  };
}

test('a family: the paper graph puts the base paper above the papers that build on it, with an arrow each', async () => {
  const view = planView({ ...INPUT, plan: familyPlan() });
  assert.deepEqual(
    view.papers?.map((p) => `${p.key}@${p.level}${p.main ? '*' : ''}:${p.buildsOn.map((b) => b.key).join(',')}`),
    ['rgu@0:', 'stackrgu@1*:rgu', 'tempgate@1:rgu'],
  );
  await open(view);
  const graph = page.locator('#paper-graph');
  await graph.locator('.paper-edges line').nth(1).waitFor();
  assert.equal(await page.locator('#papers-section').isVisible(), true);
  const top = async (key: string) => (await graph.locator(`.paper-node[data-key="${key}"]`).boundingBox())!.y;
  assert.ok((await top('rgu')) < (await top('stackrgu')), 'the base paper stands above the paper that builds on it');
  assert.equal(await top('stackrgu'), await top('tempgate'));
  assert.equal(await graph.locator('.paper-edges line').count(), 2);
  // Each file says which paper it implements.
  assert.equal(await page.locator('#files .paper-chip').first().innerText(), '[rgu]');
  await page.locator('#papers-section').screenshot({ path: path.join(SHOTS, 'plan-review-paper-graph.png') });
});

test('a family: a renamed key goes to the host with Continue; a bad or twice-used key holds Continue', async () => {
  await open(planView({ ...INPUT, plan: familyPlan() }));
  const key = page.locator('.paper-node[data-key="tempgate"] .key-input');
  await key.fill('Temp Gate');
  await page.locator('#paper-key-error').waitFor();
  assert.match(await page.locator('#paper-key-error').innerText(), /not a paper key/);
  assert.equal(await page.locator('#continue').isDisabled(), true);
  await key.fill('rgu');
  assert.match(await page.locator('#paper-key-error').innerText(), /names two papers/);
  await key.fill('temp');
  assert.equal(await page.locator('#paper-key-error').isHidden(), true);
  // The files' chips follow the new key.
  assert.ok((await page.locator('#files .paper-chip').allInnerTexts()).includes('[temp]'));
  await page.locator('#continue').click();
  assert.deepEqual(await waitForPosted('continue'), { type: 'continue', keys: { tempgate: 'temp' } });
});
