import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { auditRepository } from '../../../src/core/citations/audit';
import { paperForTag, paperKeyFor } from '../../../src/core/citations/family';
import { parseTagText } from '../../../src/core/citations/grammar';
import { findPaperRef, readPaperJson } from '../../../src/core/citations/paperRef';
import { coverageOf } from '../../../src/core/citations/coverage';
import { parsePaper } from '../../../src/core/paper/parse';

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-family-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const tex = (title: string, body: string) =>
  `\\documentclass{article}\n\\title{${title}}\n\\author{A. Author}\n\\begin{document}\n\\maketitle\n${body}\n\\end{document}\n`;

// A base paper with a gate (Eq. 1) in §2, and a paper that stacks it (Eq. 1 of its own, in §3).
const BASE = tex(
  'RGU: Residual Gated Units',
  `\\section{Introduction}\nWe study gates.\n\\section{Method}\nThe gate is computed as\n\\begin{equation}\ng = \\sigma(W_g x + b_g)\n\\end{equation}\nwhere the gate mixes the input.`,
);
const STACK = tex(
  'StackRGU: Deep Encoders',
  `\\section{Introduction}\nWe stack units.\n\\section{Background}\nResidual gated units.\n\\section{Stacking}\nEach layer is normalised:\n\\begin{equation}\nh^l = \\mathrm{LN}(\\mathrm{RGU}(h^{l-1}))\n\\end{equation}\nfor every layer.`,
);

const FAMILY_JSON = JSON.stringify({
  source: 'papers/stack/main.tex',
  papers: [
    { key: 'stack', source: 'papers/stack/main.tex' },
    { key: 'rgu', source: 'papers/rgu/main.tex', buildsOn: [] },
  ],
});

test('a paper key comes from the title before its colon, else its first word that says something', () => {
  assert.equal(paperKeyFor({ title: 'Titans: Learning to Memorize at Test Time' }), 'titans');
  assert.equal(paperKeyFor({ title: 'Attention Is All You Need' }), 'attention');
  assert.equal(paperKeyFor({ title: 'On the Difficulty of Training Recurrent Neural Networks' }), 'difficulty');
  assert.equal(paperKeyFor({ title: 'Big Bird: Transformers for Longer Sequences' }), 'big-bird');
  assert.equal(paperKeyFor({ title: '', id: 'arxiv:2501.00663v1' }), 'arxiv-2501-00663');
  assert.equal(paperKeyFor({ title: 'Titans: again' }, new Set(['titans'])), 'titans-2');
});

test('paper.json lists the papers with their keys, the main one first; sources are made absolute', () => {
  const dir = repo({ '.papertrail/paper.json': FAMILY_JSON, 'papers/stack/main.tex': STACK, 'papers/rgu/main.tex': BASE, 'm.py': '' });
  const r = findPaperRef(path.join(dir, 'm.py'));
  assert.ok(r.ok);
  assert.equal(r.value?.source, path.join(dir, 'papers/stack/main.tex'));
  assert.deepEqual(
    r.value?.papers?.map((p) => [p.key, p.source]),
    [
      ['stack', path.join(dir, 'papers/stack/main.tex')],
      ['rgu', path.join(dir, 'papers/rgu/main.tex')],
    ],
  );
  // Which paper a tag cites: its key's, the main one without a key, none for an unknown key.
  const [keyed, plain, unknown] = parseTagText('# [rgu] Eq. 1\n# Eq. 1\n# [rug] Eq. 1');
  assert.deepEqual(paperForTag(r.value!, keyed!), { ok: true, source: path.join(dir, 'papers/rgu/main.tex'), key: 'rgu' });
  assert.deepEqual(paperForTag(r.value!, plain!), { ok: true, source: path.join(dir, 'papers/stack/main.tex'), key: 'stack' });
  assert.deepEqual(paperForTag(r.value!, unknown!), { ok: false, key: 'rug', known: ['stack', 'rgu'], closest: 'rgu' });
});

test('a paper.json with a bad or repeated key says which and how to mend it', () => {
  const bad = repo({ '.papertrail/paper.json': JSON.stringify({ papers: [{ key: 'Two Words', source: 'a.pdf' }] }) });
  const r1 = readPaperJson(path.join(bad, '.papertrail/paper.json'));
  assert.ok(!r1.ok);
  assert.match(r1.error.message, /papers\[0\] has the key "Two Words", which is not usable \(2–24 characters: a lower-case letter, then/);
  const twice = repo({
    '.papertrail/paper.json': JSON.stringify({
      papers: [
        { key: 'rgu', source: 'a.pdf' },
        { key: 'rgu', source: 'b.pdf' },
      ],
    }),
  });
  const r2 = readPaperJson(path.join(twice, '.papertrail/paper.json'));
  assert.ok(!r2.ok);
  assert.match(r2.error.message, /two papers have the key "rgu"/);
  // The same paper under two keys, or a main paper named two ways: refused, saying what to change.
  const same = repo({
    '.papertrail/paper.json': JSON.stringify({
      papers: [
        { key: 'stack', source: 'papers/rgu' },
        { key: 'rgu', source: './papers/rgu/' },
      ],
    }),
  });
  const r3 = readPaperJson(path.join(same, '.papertrail/paper.json'));
  assert.ok(!r3.ok);
  assert.match(r3.error.message, /the papers \[stack\] and \[rgu\] have the same source \(\.\/papers\/rgu\/\); give each paper once$/);
  const split = repo({
    '.papertrail/paper.json': JSON.stringify({
      source: 'papers/moved',
      papers: [
        { key: 'stack', source: 'papers/stack' },
        { key: 'rgu', source: 'papers/rgu' },
      ],
    }),
  });
  const r4 = readPaperJson(path.join(split, '.papertrail/paper.json'));
  assert.ok(!r4.ok);
  assert.match(
    r4.error.message,
    /"source" \(papers\/moved\) and papers\[0\]\.source, the main paper \[stack\], name different papers; make them the same, or leave "source" out$/,
  );
});

test('a paper of the family that no tag cites is still listed, and one that is not there is named with the field to correct', async () => {
  const dir = repo({
    '.papertrail/paper.json': FAMILY_JSON,
    'papers/stack/main.tex': STACK,
    'papers/rgu/main.tex': BASE,
    'model.py': '# §1 — the stack\nx = 1\n',
  });
  const r = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(
    r.value.papers.map((p) => p.key),
    ['stack', 'rgu'],
    'rgu is cited by no tag, and still a paper of the repository',
  );
  fs.rmSync(path.join(dir, 'papers', 'rgu'), { recursive: true });
  const gone = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(gone.ok);
  assert.match(gone.value.unread?.[0]?.message ?? '', /not there .*; correct papers\[1\]\.source in .*paper\.json$/);
  fs.rmSync(path.join(dir, 'papers', 'stack'), { recursive: true });
  const moved = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(!moved.ok);
  assert.match(
    moved.error.message,
    /paper\.json names papers that are not there: \[stack\] .*papers\/stack\/main\.tex \(papers\[0\]\.source, and "source" if given\); \[rgu\] .*papers\/rgu\/main\.tex \(papers\[1\]\.source\)\. Was the repository moved away from its papers\?/,
  );
});

test('the audit checks each tag against the paper its key names; an unknown key is broken with the keys there are', async () => {
  const dir = repo({
    '.papertrail/paper.json': FAMILY_JSON,
    'papers/stack/main.tex': STACK,
    'papers/rgu/main.tex': BASE,
    'pkg/layer.py': [
      '# [rgu] §2, Eq. 1 — the gate of the base paper',
      'g = 1',
      '# [stack] §3, Eq. 1 — the stacked layer',
      'h = 2',
      '# §3, Eq. 1 — no key: the main paper',
      'h2 = 3',
      '# [rgu] §3 — the base paper has no §3',
      'x = 4',
      '# [rug] Eq. 1 — a typo in the key',
      'y = 5',
      '',
    ].join('\n'),
  });
  const r = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const byLine = new Map(r.value.tags.map((t) => [t.line, t]));
  assert.equal(byLine.get(1)?.resolved, true);
  assert.equal(byLine.get(1)?.paperKey, 'rgu');
  assert.equal(byLine.get(3)?.resolved, true);
  assert.equal(byLine.get(5)?.resolved, true);
  assert.equal(byLine.get(5)?.paperKey, 'stack');
  assert.equal(byLine.get(7)?.resolved, false);
  // The reason says which paper lacks the place.
  assert.match(byLine.get(7)?.reason ?? '', /^\[rgu\] .*§3/);
  assert.equal(byLine.get(9)?.resolved, false);
  assert.equal(byLine.get(9)?.reason, "no paper has the key [rug] (did you mean [rgu]?); this repository's papers are [stack], [rgu]");
  // The papers in paper.json's order, the main one first and marked.
  assert.deepEqual(
    r.value.papers.map((p) => `${p.key}${p.main ? '*' : ''}`),
    ['stack*', 'rgu'],
  );
  // Coverage is per paper: the base paper's Eq. 1 is implemented by line 1 only.
  const base = await parsePaper(path.join(dir, 'papers/rgu/main.tex'), { noCache: true });
  assert.ok(base.ok);
  const eq = coverageOf(r.value, base.value).places.find((p) => p.kind === 'equation' && p.number === '1');
  assert.deepEqual(
    eq?.implementedBy.map((c) => c.line),
    [1],
  );
});

test('a repository below the audited folder is audited against its own paper.json', async () => {
  const dir = repo({
    'family/.papertrail/paper.json': FAMILY_JSON,
    'family/papers/stack/main.tex': STACK,
    'family/papers/rgu/main.tex': BASE,
    'family/pkg/a.py': '# [rgu] Eq. 1 — gate\ng = 1\n',
  });
  const r = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(
    r.value.tags.map((t) => [t.file, t.resolved, t.paperKey]),
    [['family/pkg/a.py', true, 'rgu']],
  );
});

test('a paper of the family that cannot be read is named once; its tags are broken with a short reason, the others still resolve', async () => {
  const dir = repo({
    '.papertrail/paper.json': FAMILY_JSON.replace('papers/rgu/main.tex', 'papers/gone/main.tex'),
    'papers/stack/main.tex': STACK,
    'pkg/a.py':
      '# [rgu] Eq. 1 — gate\ng = 1\n# [rgu] §2 — method\nh = 2\n# [stack] Eq. 1 — stack\nz = 3\n# [ASSUMPTION] no key: the main paper\nw = 4\n',
  });
  const r = await auditRepository(dir, { parse: { noCache: true } });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.unread?.length, 1);
  assert.equal(r.value.unread?.[0]?.key, 'rgu');
  assert.deepEqual(
    r.value.broken.map((b) => b.reason),
    [
      'paper [rgu] could not be read; fix its source in .papertrail/paper.json',
      'paper [rgu] could not be read; fix its source in .papertrail/paper.json',
    ],
  );
  assert.equal(r.value.tags.find((t) => t.line === 5)?.resolved, true);
  // A flag without references belongs to the main paper: its coverage counts it, no other's does.
  const stack = await parsePaper(path.join(dir, 'papers/stack/main.tex'), { noCache: true });
  assert.ok(stack.ok);
  assert.equal(r.value.tags.find((t) => t.line === 7)?.paperKey, 'stack');
  const flags = Object.values(coverageOf(r.value, stack.value).flagsBySection).reduce((n, c) => n + (c.ASSUMPTION ?? 0), 0);
  assert.equal(flags, 1);
});
