// An equation typeset as SVG, in-process, for hovers and the plan review: MathJax's TeX input
// and SVG output on its lite DOM adaptor (no browser), as LaTeX Workshop's math hover does.
// The document is built once; each conversion after the first takes a few milliseconds.
import type { LiteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import type { mathjax as MathJax } from 'mathjax-full/js/mathjax.js';
import type { Result } from '../errors';
import { fail, ok } from '../errors';

type MathDocument = ReturnType<typeof MathJax.document>;

let engine: { adaptor: LiteAdaptor; doc: MathDocument } | undefined;

function start(): { adaptor: LiteAdaptor; doc: MathDocument } {
  if (engine) return engine;
  // Loaded on the first equation, not with the extension: MathJax takes about 50 ms to load,
  // and activation should not pay for a hover that may never come.
  const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js') as typeof import('mathjax-full/js/adaptors/liteAdaptor.js');
  const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js') as typeof import('mathjax-full/js/handlers/html.js');
  const { TeX } = require('mathjax-full/js/input/tex.js') as typeof import('mathjax-full/js/input/tex.js');
  const { AllPackages } = require('mathjax-full/js/input/tex/AllPackages.js') as typeof import('mathjax-full/js/input/tex/AllPackages.js');
  const { mathjax } = require('mathjax-full/js/mathjax.js') as typeof import('mathjax-full/js/mathjax.js');
  const { SVG } = require('mathjax-full/js/output/svg.js') as typeof import('mathjax-full/js/output/svg.js');
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  // A TeX error throws instead of being drawn in red: the caller falls back to the text.
  const tex = new TeX({
    packages: AllPackages.filter((p: string) => p !== 'bussproofs' && p !== 'noundefined'),
    formatError: (_jax: unknown, err: Error) => {
      throw err;
    },
  });
  const doc = mathjax.document('', { InputJax: tex, OutputJax: new SVG({ fontCache: 'local' }) });
  engine = { adaptor, doc };
  return engine;
}

export interface MathSvgOptions {
  /** Display (block) math; false for inline. */
  display?: boolean;
  /** The colour of the glyphs (an SVG in an <img> cannot inherit the editor's colour). */
  color?: string;
}

/**
 * `latex` (without $ delimiters) as a standalone SVG document.
 * @returns the SVG text, or why it could not be typeset (unknown macro, unbalanced braces).
 */
export function mathSvg(latex: string, options: MathSvgOptions = {}): Result<string> {
  const source = latex.trim();
  if (!source) return fail('bad-input', 'no math to typeset');
  try {
    const { adaptor, doc } = start();
    const node = doc.convert(source, { display: options.display ?? true, em: 16, ex: 8, containerWidth: 1280 });
    let svg = adaptor.innerHTML(node);
    if (!svg.startsWith('<svg')) return fail('bad-input', 'MathJax produced no SVG');
    if (!svg.includes('xmlns=')) svg = svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
    if (options.color) svg = svg.replace(/currentColor/g, options.color);
    return ok(svg);
  } catch (e) {
    return fail('bad-input', `the LaTeX does not typeset: ${(e as Error).message}`);
  }
}

/** The SVG as a data: URI for a Markdown image (hovers) or an <img> (webviews with img-src data:). */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
