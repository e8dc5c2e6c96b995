import type * as vscode from 'vscode';
import { taggedExtensions } from '../../core/citations/languages';

/** Files on disk whose extension may hold citation tags (the core's list, so both agree). */
export function taggedLanguageSelector(): vscode.DocumentSelector {
  const exts = taggedExtensions().map((e) => e.replace(/^\./, ''));
  return { scheme: 'file', pattern: `**/*.{${exts.join(',')}}` };
}
