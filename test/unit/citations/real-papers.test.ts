// Resolution against real papers (ACL Anthology, CC BY 4.0) parsed by the project's own
// ingestion. Expectations are what a reader sees in the PDF (section and equation numbers,
// captions), checked against GROBID's TEI beside each PDF; a failure here may be ingestion's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseTagText } from '../../../src/core/citations/grammar';
import { resolveTag } from '../../../src/core/citations/resolve';
import type { Paper } from '../../../src/core/paper/model';
import { parsePaper } from '../../../src/core/paper/parse';

const PAPERS = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), '../shared/papers');

function paperTests(file: string, cases: { ok: string[]; broken: [string, RegExp][]; checks?: (p: Paper) => void }) {
  const pdf = path.join(PAPERS, file);
  const skip = fs.existsSync(pdf) ? false : `${pdf} is absent (the shared papers are beside the repository on developer machines)`;
  describe(file, { skip }, () => {
    let paper: Paper;
    const get = async () => {
      if (paper) return paper;
      const r = await parsePaper(pdf, { noCache: true });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      paper = r.value;
      return paper;
    };
    for (const text of cases.ok) {
      test(`resolves: ${text}`, async () => {
        const p = await get();
        const [tag] = parseTagText(text);
        const r = resolveTag(p, tag!);
        assert.equal(r.resolved, true, r.reason);
      });
    }
    for (const [text, reason] of cases.broken) {
      test(`broken: ${text}`, async () => {
        const p = await get();
        const [tag] = parseTagText(text);
        const r = resolveTag(p, tag!);
        assert.equal(r.resolved, false);
        assert.match(r.reason ?? '', reason);
      });
    }
    if (cases.checks) test('what the resolution shows', async () => cases.checks!(await get()));
  });
}

paperTests('2020.acl-main.207.pdf', {
  ok: [
    '# §2.2, Eq. 1 — [CLS] embedding of the title and abstract',
    '# §2.3, Eq. (2) — triplet margin loss',
    '# §2.3 "we empirically choose m = 1"',
    '# §2.3 "a query paper P_Q, a positive paper P^+ and a negative paper P^-"',
    '# §2.4 "randomly selected papers from the corpus"',
    '# §2 "Citation-Based Pretraining Objective"',
    '# Table 1 "SCIDOCS evaluation suite"',
    '# Table 3 "task-specific fine-tuning"',
    '# Fig. 1',
    '# Appendix A',
    // §2.5 uses the equation ("… as the paper representation for P (Equation 1)"): it may cite it.
    '# §2.5 (Equation 1) — the pooled output activation is the paper representation',
    // A quote in a compound tag stands in any of its parts (here the section's text).
    '# §2.3, Eq. 2 "we empirically choose m = 1"',
  ],
  broken: [
    ['# §2.6', /^no §2\.6 in the paper \(§2 has §2\.1–2\.5\)$/],
    ['# Eq. 3', /^no Eq\. 3 in the paper \(it has Eq\. 1–2\)$/],
    ['# §2.2, Eq. 2', /^Eq\. 2 is in §2\.3, not §2\.2$/],
    [
      '# §2.3 "we empirically choose m = 2"',
      /^the quote "we empirically choose m = 2" is not in §2\.3; the paper says "we empirically choose m = 1"$/,
    ],
    ['# §2.2 "randomly selected papers from the corpus"', /^the quote .* is not in §2\.2 \(it is in §2\.4\)$/],
    ['# Table 4', /^no Table 4 in the paper \(it has Table 1–3\)$/],
  ],
  checks: (p) => {
    const [t] = parseTagText('§2.3, Eq. 2');
    const r = resolveTag(p, t!);
    const [sec, eq] = r.refs;
    assert.ok(sec?.resolved && eq?.resolved);
    assert.equal(sec.title, 'Citation-Based Pretraining Objective');
    assert.equal(sec.page, 3);
    assert.equal(eq.page, 3);
    assert.match(eq.text, /max/);
    assert.ok(eq.anchors[0]!.rects.length > 0);
  },
});

paperTests('N18-3011.pdf', {
  ok: [
    '# §4.2 "filter of size 3 characters"',
    '# §4.4 "collectively referred to as a mention"',
    '# §3 "we built the ScienceParse system"',
    '# Table 3 "Results of the entity extraction model"',
    '# Table 1',
    '# Fig. 1',
  ],
  broken: [
    // The paper numbers no equation.
    ['# Eq. 1', /^no Eq\. 1 in the paper \(the paper as parsed has no numbered equations\)$/],
    ['# §4.5', /^no §4\.5 in the paper \(§4 has §4\.1–4\.4\)$/],
    ['# §4.2 "filter of size 5 characters"', /; the paper says "filter of size 3 characters"$/],
    ['# Fig. 2', /^no Fig\. 2 in the paper \(it has Fig\. 1\)$/],
  ],
  checks: (p) => {
    const [t] = parseTagText('§4.2');
    const r = resolveTag(p, t!);
    const [sec] = r.refs;
    assert.ok(sec?.resolved);
    assert.equal(sec.heading, '4.2 Entity Extraction Models');
    assert.equal(sec.page, 4);
  },
});
