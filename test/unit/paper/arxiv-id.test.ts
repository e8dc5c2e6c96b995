// Every way a user names an arXiv paper, and things that only look like one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArxivRef } from '../../../src/core/paper/arxiv';

test('arXiv ids and URLs', () => {
  const cases: [string, { id: string; version?: string } | undefined][] = [
    ['1706.03762', { id: '1706.03762' }],
    ['1706.03762v5', { id: '1706.03762', version: 'v5' }],
    ['arXiv:1706.03762', { id: '1706.03762' }],
    ['arxiv:1706.03762v2', { id: '1706.03762', version: 'v2' }],
    ['  2310.06825  ', { id: '2310.06825' }],
    ['0704.0001', { id: '0704.0001' }],
    ['hep-th/9901001', { id: 'hep-th/9901001' }],
    ['hep-th/9901001v3', { id: 'hep-th/9901001', version: 'v3' }],
    ['math.GT/0309136', { id: 'math.GT/0309136' }],
    ['cs/0112017', { id: 'cs/0112017' }],
    ['https://arxiv.org/abs/1706.03762', { id: '1706.03762' }],
    ['https://arxiv.org/abs/1706.03762v7', { id: '1706.03762', version: 'v7' }],
    ['http://arxiv.org/pdf/1706.03762v5', { id: '1706.03762', version: 'v5' }],
    ['https://arxiv.org/pdf/1706.03762v5.pdf', { id: '1706.03762', version: 'v5' }],
    ['https://arxiv.org/pdf/1706.03762.pdf', { id: '1706.03762' }],
    ['https://www.arxiv.org/abs/hep-th/9901001', { id: 'hep-th/9901001' }],
    ['https://export.arxiv.org/abs/1706.03762?context=cs', { id: '1706.03762' }],
    ['arxiv.org/abs/1706.03762/', { id: '1706.03762' }],
    // Not arXiv ids:
    ['1706.0376', undefined],
    ['0704.00001', undefined],
    ['1713.03762', undefined],
    ['1706.03762v0', undefined],
    ['paper.pdf', undefined],
    ['https://example.org/abs/1706.03762', undefined],
    ['HEP-TH/9901001', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseArxivRef(input), want, JSON.stringify(input));
});
