// The plan review between planning and coding: the plan in a webview beside the editor, and
// the user's decision back. Continue costs money (the estimate says how much), so the only way
// on is an explicit click; closing the panel or cancelling the run stops.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { PlanReviewInput } from './planReviewHtml';
import { planReviewHtml, planView } from './planReviewHtml';
import type { HostToPlanReview, PlanReviewToHost } from './planReviewProtocol';

export const PLAN_REVIEW_VIEW_TYPE = 'papertrail.planReview';

export type PlanReviewDecision = { action: 'continue'; config?: string; keys?: Record<string, string> } | { action: 'stop' };

export function showPlanReview(
  context: vscode.ExtensionContext,
  input: PlanReviewInput,
  token?: vscode.CancellationToken,
): Promise<PlanReviewDecision> {
  if (token?.isCancellationRequested) return Promise.resolve({ action: 'stop' });
  const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  const panel = vscode.window.createWebviewPanel(
    PLAN_REVIEW_VIEW_TYPE,
    `Plan: ${input.title}`,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
    // Kept alive when hidden: the user may switch to the paper to check a citation, and an
    // edited config must not be lost when the tab comes back.
    { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: true },
  );
  panel.webview.html = planReviewHtml({
    cspSource: panel.webview.cspSource,
    asset: (p) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, p)).toString(),
    nonce: crypto.randomBytes(16).toString('base64'),
    title: input.title,
  });
  const post = (m: HostToPlanReview) => panel.webview.postMessage(m);
  const original = normaliseNewlines(input.plan.config.content);

  return new Promise<PlanReviewDecision>((resolve) => {
    let decided = false;
    const subscriptions: vscode.Disposable[] = [];
    const decide = (decision: PlanReviewDecision) => {
      if (decided) return;
      decided = true;
      for (const s of subscriptions) s.dispose();
      resolve(decision);
      // Disposing fires onDidDispose, which `decided` turns into a no-op.
      panel.dispose();
    };
    subscriptions.push(
      panel.webview.onDidReceiveMessage((m: PlanReviewToHost) => {
        switch (m.type) {
          case 'ready':
            // Also after a webview reload: the page asks again and gets the same plan.
            void post({ type: 'plan', view: planView(input) });
            break;
          case 'continue': {
            // A textarea turns \r\n into \n: only a real edit counts as a changed config.
            const edited = m.config !== undefined && normaliseNewlines(m.config) !== original ? m.config : undefined;
            decide({
              action: 'continue',
              ...(edited !== undefined ? { config: edited } : {}),
              ...(m.keys && Object.keys(m.keys).length ? { keys: m.keys } : {}),
            });
            break;
          }
          case 'cancel':
            decide({ action: 'stop' });
            break;
        }
      }),
      panel.onDidDispose(() => decide({ action: 'stop' })),
    );
    if (token) subscriptions.push(token.onCancellationRequested(() => decide({ action: 'stop' })));
  });
}

function normaliseNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}
