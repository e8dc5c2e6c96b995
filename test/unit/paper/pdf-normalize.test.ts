// Text clean-up of what the PDF reader exposes, on strings as pdf.js returns them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  composeAccents,
  expandLigatures,
  hyphenOracleFrom,
  joinLetterSpaced,
  joinLines,
  normalizeText,
} from '../../../src/core/paper/normalize';
import { follows } from '../../../src/core/paper/pdf-lines';

test('ligature glyphs become letters', () => {
  assert.equal(
    expandLigatures('\uFB01ne-tuning, \uFB02ow, e\uFB00ect, e\uFB03cient, ba\uFB04e'),
    'fine-tuning, flow, effect, efficient, baffle',
  );
  assert.equal(normalizeText('the \uFB01rst  \uFB01eld'), 'the first field');
});

test('a hyphen at a line end joins a broken word', () => {
  assert.equal(joinLines(['a good repre-', 'sentation of text']), 'a good representation of text');
  assert.equal(joinLines(['soft hy\u00AD', 'phen']), 'soft hyphen');
});

test('a hyphen at a line end stays in compounds, acronyms and before capitals', () => {
  assert.equal(joinLines(['document-', 'level embeddings']), 'document-level embeddings');
  assert.equal(joinLines(['the BERT-', 'based model']), 'the BERT-based model');
  assert.equal(joinLines(['NAACL-', 'HLT 2018']), 'NAACL-HLT 2018');
  assert.equal(joinLines(['an L2-', 'norm']), 'an L2-norm');
});

test("the document's own spelling decides an ambiguous line-end hyphen", () => {
  const oracle = hyphenOracleFrom(['we use citation-informed transformers', 'the pretraining objective']);
  assert.equal(joinLines(['Citation-', 'informed'], oracle), 'Citation-informed');
  assert.equal(joinLines(['pre-', 'training'], oracle), 'pretraining');
  // No evidence either way: a lower-case continuation is a broken word.
  assert.equal(joinLines(['synthe-', 'sis'], oracle), 'synthesis');
});

test('letter-spaced words and split small capitals are joined', () => {
  assert.equal(joinLetterSpaced('typeset with L AT E X today'), 'typeset with LATEX today');
  assert.equal(joinLetterSpaced('A B S T R A C T'), 'ABSTRACT');
  assert.equal(joinLetterSpaced('3 S CI D OCS Evaluation'), '3 SCIDOCS Evaluation');
  assert.equal(joinLetterSpaced('the word t r a n s f o r m e r is spaced'), 'the word transformer is spaced');
});

test('ordinary prose with short words is left alone', () => {
  for (const s of ['a b test', 'we use a model', 'Table 1 and 2 in A or B', 'x = a + b']) assert.equal(joinLetterSpaced(s), s);
});

test('spacing accents that TeX draws before a letter are composed', () => {
  assert.equal(composeAccents('J\u00A8org Sander and Lo\u00A8\u0131c Barrault'), 'Jörg Sander and Loïc Barrault');
  assert.equal(composeAccents('\u02C7Reh\u02DAu\u02C7rek'), 'Řehůřek');
});

test('section numbers must move forward, appendices start at A', () => {
  assert.ok(follows(undefined, '1'));
  assert.ok(follows('1', '2'));
  assert.ok(follows('2', '2.1'));
  assert.ok(follows('2.1', '2.1.1'));
  assert.ok(follows('2.1.1', '3'));
  assert.ok(follows('3.4', '5'), 'one missed heading is tolerated');
  assert.ok(follows('8', 'A'));
  assert.ok(follows('A', 'A.1'));
  assert.ok(!follows('4.2', '1'), 'a list item "1" after §4.2 is no section');
  assert.ok(!follows('A', '5'), 'numbers do not come back after the appendix');
  assert.ok(!follows('3', '3'));
  assert.ok(!follows('2', '9'));
});
