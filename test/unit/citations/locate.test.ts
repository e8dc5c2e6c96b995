// Inverse search without an editor: what stands at a point of the PDF, and which tags cite it,
// best first, with the words under the pointer breaking ties.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationScore, describeLocation, locateAt, quoteScore, rankForClick } from '../../../src/core/citations/locate';
import type { AuditTag } from '../../../src/core/citations/audit';
import type { Paper } from '../../../src/core/paper/model';
import { PAPER_SCHEMA_VERSION } from '../../../src/core/paper/model';

const rect = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const paper: Paper = {
  schemaVersion: PAPER_SCHEMA_VERSION,
  id: 'sha256:test',
  source: { kind: 'pdf', location: 'p.pdf', sha256: 'x' },
  title: 'T',
  authors: [],
  abstract: '',
  pageCount: 2,
  pages: [
    { width: 612, height: 792 },
    { width: 612, height: 792 },
  ],
  sections: [
    { id: 'sec:3', number: '3', title: 'Model', level: 1, page: 1, rects: [rect(72, 700, 100, 12)] },
    { id: 'sec:3.2', number: '3.2', title: 'Attention', level: 2, page: 2, rects: [rect(72, 720, 100, 12)] },
  ],
  equations: [{ id: 'eq:4', number: '4', section: '3.2', page: 2, rects: [rect(150, 600, 200, 20)], text: 'softmax(QK^T/√d_k)V' }],
  figures: [],
  tables: [
    { id: 'tab:1', kind: 'table', number: '1', section: '3.2', page: 2, rects: [rect(72, 300, 300, 10)], text: 'Table 1: Results.' },
  ],
  algorithms: [],
  passages: [
    {
      id: 'p:1',
      kind: 'paragraph',
      sectionId: 'sec:3.2',
      text: 'We scale the dot products by one over the square root of d_k.',
      page: 2,
      anchors: [{ page: 2, rects: [rect(72, 640, 468, 40)] }],
    },
  ],
  warnings: [],
};
type Tag = Pick<AuditTag, 'refs' | 'quote'> & { id: string };
const ok = (kind: 'section' | 'equation' | 'table', number: string) => ({ kind, number, resolved: true }) as AuditTag['refs'][number];

test('locateAt: the equation, the caption, the passage and its section under a point', () => {
  const onEq = locateAt(paper, 2, 200, 610);
  assert.equal(onEq.equation?.number, '4');
  assert.equal(onEq.section?.number, '3.2');
  assert.equal(describeLocation(onEq), 'Eq. 4 (§3.2 Attention)');
  const onText = locateAt(paper, 2, 100, 660);
  assert.equal(onText.passage?.id, 'p:1');
  assert.equal(onText.equation, undefined);
  assert.equal(locateAt(paper, 2, 100, 305).caption?.number, '1');
  // Off every box: the last heading above the point.
  assert.equal(locateAt(paper, 1, 300, 100).section?.number, '3');
});

test('citationScore: the equation itself 3, its section 2, an enclosing section 1, elsewhere 0', () => {
  const where = locateAt(paper, 2, 200, 610);
  assert.equal(citationScore({ refs: [ok('equation', '4')] }, where), 3);
  assert.equal(citationScore({ refs: [ok('section', '3.2')] }, where), 2);
  assert.equal(citationScore({ refs: [ok('section', '3')] }, where), 1);
  assert.equal(citationScore({ refs: [ok('section', '5')] }, where), 0);
});

test('the words under the pointer rank the tag that quotes them first among tags citing the same place', () => {
  assert.equal(quoteScore({ quote: 'square root of d_k' }, 'We scale the dot products by one over the square root of d_k.'), 2);
  assert.equal(quoteScore({ quote: 'by one over the root' }, 'We scale the dot products by one over the square root'), 1);
  assert.equal(quoteScore({ quote: 'learned positional embeddings' }, 'the square root of d_k'), 0);
  assert.equal(quoteScore({}, 'anything'), 0);
  const where = locateAt(paper, 2, 100, 660);
  const tags: Tag[] = [
    { id: 'a', refs: [ok('section', '3.2')], quote: 'a different sentence of the section' },
    { id: 'b', refs: [ok('section', '3.2')], quote: 'square root of d_k' },
    { id: 'c', refs: [ok('section', '3')] },
    { id: 'd', refs: [ok('section', '7')] },
  ];
  const ranked = rankForClick(tags, where, 'We scale the dot products by one over the square root of d_k.');
  assert.deepEqual(
    ranked.map((r) => r.tag.id),
    ['b', 'a', 'c'],
  );
  // On the equation, a tag citing Eq. 4 outranks any quote.
  const onEq = rankForClick<Tag>([...tags, { id: 'e', refs: [ok('equation', '4')] }], locateAt(paper, 2, 200, 610), 'square root of d_k');
  assert.equal(onEq[0]!.tag.id, 'e');
});
