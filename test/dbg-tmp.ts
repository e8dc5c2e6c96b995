import fs from 'node:fs';
import { loadPdfjs } from '../src/core/paper/pdfjs';
import { readRuns, buildFragments } from '../src/core/paper/pdf-text';
async function main() {
  const { lib, standardFontDataUrl } = await loadPdfjs();
  const doc = await lib.getDocument({ data: new Uint8Array(fs.readFileSync(process.argv[2]!)), isEvalSupported: false, standardFontDataUrl, verbosity: 0 }).promise;
  const page = await doc.getPage(1);
  const content: any = await page.getTextContent();
  for (const it of content.items.slice(0, 200)) if (it.transform && it.transform[5] < 640 && it.transform[5] > 580) console.log(JSON.stringify(it.str), it.transform.map((v: number) => Math.round(v * 10) / 10).join(','), Math.round(it.width * 10) / 10);
  const { runs } = readRuns(content);
  for (const f of buildFragments(runs, 1, 306)) console.log('FRAG', JSON.stringify(f.text));
}
void main();
