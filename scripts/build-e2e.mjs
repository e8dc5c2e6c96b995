// Builds what the VS Code layer needs: the extension-host suite (out/e2e/suite) and a sample
// workspace with a paper in it. usage: node scripts/build-e2e.mjs <workspace-dir>
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const ws = path.resolve(process.argv[2] ?? 'out/e2e/workspace');
const suite = fs
  .readdirSync('test/e2e/suite')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join('test/e2e/suite', f));
fs.rmSync('out/e2e/suite', { recursive: true, force: true });
await esbuild.build({
  entryPoints: suite,
  outdir: 'out/e2e/suite',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  // mocha stays a real module: it resolves from the project's node_modules at run time.
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

// The sample paper is the project's own synthetic paper, generated, never downloaded.
const gen = 'out/e2e/make-sample-paper.cjs';
await esbuild.build({
  entryPoints: ['test/fixtures/synthetic/sample-paper.ts'],
  outfile: gen,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
});
const { writeSamplePaper } = await import(path.resolve(gen));
fs.mkdirSync(ws, { recursive: true });
await writeSamplePaper(path.join(ws, 'paper.pdf'));
fs.writeFileSync(
  path.join(ws, 'notes.tex'),
  '\\documentclass{article}\n\\begin{document}\n\\section{Method}\nA note on the method.\n\\end{document}\n',
);
// A small tagged repository citing the sample paper: correct tags, one broken, flags.
fs.mkdirSync(path.join(ws, '.papertrail'), { recursive: true });
fs.writeFileSync(path.join(ws, '.papertrail', 'paper.json'), JSON.stringify({ source: 'paper.pdf' }, null, 2) + '\n');
fs.writeFileSync(
  path.join(ws, 'model.py'),
  [
    '"""Attention on a Budget, reimplemented."""',
    'import math',
    '',
    '',
    '# §2, Eq. 1 — scaled dot-product attention',
    'def attention(q, k, v):',
    '    # [UNSPECIFIED] masking of padded positions: none here',
    '    scale = 1.0 / math.sqrt(len(k))',
    '    return [x * scale for x in q]',
    '',
    '',
    '# §3, Eq. 2 — the output projection',
    'def project(x, w=2.0, b=0.5):',
    '    return w * x + b',
    '',
  ].join('\n'),
);
// Two tags on the same paragraph of §2, quoting different sentences: inverse search ranks by the words clicked.
fs.writeFileSync(
  path.join(ws, 'encoder.py'),
  [
    '"""The encoder and decoder of §2, each cited by its own sentence."""',
    '',
    '',
    '# §2 "The encoder maps an input sequence of symbol representations" — the encoder',
    'def encode(ids):',
    '    return list(ids)',
    '',
    '',
    '# §2 "the decoder generates an output sequence one element at a time" — the decoder',
    'def decode(state):',
    '    return state[:1]',
    '',
  ].join('\n'),
);
// A file nobody opens, with a broken citation: Problems lists it after the audit that runs on open.
fs.writeFileSync(path.join(ws, 'layers.py'), '# §9, Eq. 7 — a layer the paper does not have\ndef layer(x):\n    return x\n');
// A real two-column paper with in-paper links (citations, footnotes), when ../shared has it.
const real = path.resolve(process.cwd(), '../shared/papers/2020.acl-main.207.pdf');
if (fs.existsSync(real)) fs.copyFileSync(real, path.join(ws, 'specter.pdf'));
fs.mkdirSync(path.join(ws, 'configs'), { recursive: true });
fs.writeFileSync(path.join(ws, 'configs', 'base.yaml'), 'model:\n  d_k: 64  # [ASSUMPTION] the paper gives no size; a common choice\n');
// Its tests: one passes, one fails (the Problems panel shows it), one is skipped.
fs.mkdirSync(path.join(ws, 'tests'), { recursive: true });
fs.writeFileSync(path.join(ws, 'conftest.py'), '# makes the repository root importable for the tests\n');
fs.writeFileSync(
  path.join(ws, 'tests', 'test_model.py'),
  [
    'import pytest',
    '',
    'from model import attention, project',
    '',
    '',
    'def test_attention_scales_by_sqrt_dk():',
    '    assert attention([2.0], [0.0] * 4, None) == [1.0]',
    '',
    '',
    'def test_projection_matches_eq_2():',
    '    assert project(1.0) == 3.0',
    '',
    '',
    '@pytest.mark.skip(reason="needs a GPU")',
    'def test_on_gpu():',
    '    pass',
    '',
  ].join('\n'),
);
fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
fs.writeFileSync(
  path.join(ws, '.vscode', 'settings.json'),
  JSON.stringify({ 'papertrail.python.path': '/usr/bin/python3' }, null, 2) + '\n',
);
// Three related papers for the run on several papers (test/fixtures/family).
fs.cpSync('test/fixtures/family/papers', path.join(ws, 'family-papers'), { recursive: true });
console.log(`sample workspace: ${ws}`);
