import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPhrase, findWithOtherNumbers, normalizeForMatch } from '../../../src/core/citations/match';

const found = (hay: string, q: string) => findPhrase(hay, q) !== undefined;

test('tolerant to whitespace, line breaks and math spacing', () => {
  assert.ok(found('we use d k = d v = d model /h = 64.', 'd_k = d_v = d_model/h = 64'));
  assert.ok(found('we use d k = 64', 'd_k=64'));
  assert.ok(found('we use dk=64 here', 'd k = 64'));
  assert.ok(found('In this work we employ\nh = 8 parallel', 'we employ h = 8 parallel'));
});

test('tolerant to hyphenation, ligatures, case, unicode minus, LaTeX in the quote', () => {
  assert.ok(found('compute a repre-\nsentation of the sequence', 'compute a representation'));
  assert.ok(found('we found it beneﬁcial to', 'found it beneficial'));
  assert.ok(found('Pre-trained models', 'pretrained models'));
  assert.ok(found('ϵ = 10 −9', 'epsilon = 10^-9'.replace('epsilon', '\\epsilon')));
  assert.ok(found('divide each by √ d k ,', 'divide each by \\sqrt{d_k}'));
  assert.ok(found('Label Smoothing of value ϵ ls = 0.1', 'label smoothing of value \\epsilon_{ls} = 0.1'));
});

test('never tolerant to a different number', () => {
  assert.ok(!found('d k = 64', 'd_k = 640'));
  assert.ok(!found('d k = 640', 'd_k = 64'));
  assert.ok(!found('h = 8 heads', 'h = 16 heads'));
  assert.ok(!found('P drop = 0.15', 'P_drop = 0.1'));
  assert.ok(!found('rate 0.1', 'rate 0.15'));
  assert.ok(!found('batch of 6 4 tokens', 'batch of 64 tokens'));
  assert.ok(!found('rate 1.64', 'rate 64'));
  assert.ok(found('rate 64.', 'rate 64'), 'a full stop after a number is punctuation');
});

test('an ellipsis lets the parts of a quote stand apart, in order', () => {
  assert.ok(found('We compute the dot products of the query with all keys, divide each by √ d k', 'dot products … divide each by'));
  assert.ok(!found('divide each by √ d k and compute the dot products', 'dot products ... divide each by'));
});

test('the match maps back to the original offsets', () => {
  const hay = 'In this work we employ h = 8 parallel attention layers.';
  const m = findPhrase(hay, 'h=8 parallel')!;
  assert.equal(hay.slice(m.start, m.end), 'h = 8 parallel');
});

test('the same words with other numbers are found, to tell the reader what the paper says', () => {
  const hay = 'For each of these we use d k = d v = d model /h = 64.';
  const m = findWithOtherNumbers(normalizeForMatch(hay), 'd_k = d_v = d_model/h = 128')!;
  assert.equal(hay.slice(m.start, m.end), 'd k = d v = d model /h = 64');
});
