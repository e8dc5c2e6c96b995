// Test only. Registers one chat model ("Scripted Model") whose answers come from the scripted
// OpenAI-compatible server named by PAPERTRAIL_TEST_LLM_URL / _KEY (see scripts/test-e2e.sh).
const vscode = require('vscode');

function activate(context) {
  const url = process.env.PAPERTRAIL_TEST_LLM_URL;
  const key = process.env.PAPERTRAIL_TEST_LLM_KEY ?? '';
  const info = {
    id: 'scripted',
    name: 'Scripted Model',
    family: 'scripted',
    version: '1',
    maxInputTokens: 200000,
    maxOutputTokens: 16000,
    capabilities: {},
  };
  const text = (m) => (m.content ?? []).map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('papertrail-test', {
      provideLanguageModelChatInformation: async () => (url ? [info] : []),
      async provideLanguageModelChatResponse(_model, messages, _options, progress, token) {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const body = {
          model: 'scripted-model',
          messages: messages.map((m) => ({
            role: m.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user',
            content: text(m),
          })),
        };
        const res = await fetch(`${url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
          signal: ac.signal,
        });
        const json = await res.json();
        if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
        progress.report(new vscode.LanguageModelTextPart(asChatModel(json.choices[0].message.content)));
      },
      provideTokenCount: async (_model, value) => Math.ceil((typeof value === 'string' ? value : text(value)).length / 4),
    }),
  );
}

// Chat models have no schema mode and answer as in a chat: prose around a ```json fence, and
// often a trailing comma. The pipeline must read these as they are (one decoding path).
function asChatModel(content) {
  if (!content.trimStart().startsWith('{')) return content;
  const commas = content.replace(/([^\s,[{])(\s*\n\s*[}\]])/g, '$1,$2');
  return `Here is the answer.\n\n\`\`\`json\n${commas}\n\`\`\`\n\nTell me if anything should change.`;
}

module.exports = { activate };
