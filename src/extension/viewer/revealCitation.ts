import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { Services } from '../services';
import type { ViewerRegistry } from './pdfEditorProvider';
import type { RevealTarget } from './protocol';
import { showError } from '../log';

/** Arguments of `papertrail.revealCitation`, the one way any feature opens the paper at a place. */
export interface RevealCitationArgs {
  /** The paper PDF: a file URI string or an absolute path. */
  paper: string;
  target: RevealTarget;
}

export function registerRevealCitation(services: Services, viewers: ViewerRegistry): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.revealCitation', async (args?: RevealCitationArgs) => {
      if (!args?.paper || !args.target) {
        void showError(services.log, 'PaperTrail: Reveal Cited Passage needs a citation; use it from a citation’s CodeLens or hover.');
        return false;
      }
      const uri = args.paper.includes('://') ? vscode.Uri.parse(args.paper) : vscode.Uri.file(args.paper);
      try {
        await viewers.reveal(uri, args.target);
        return true;
      } catch (e) {
        services.log.warn(`revealCitation ${args.target.label} in ${uri.fsPath}: ${describeError(e)}`);
        void showError(services.log, `PaperTrail: could not show ${args.target.label} in the paper: ${describeError(e)}`);
        return false;
      }
    }),
  );
}
