/** Polls `probe` until it gives a value: the extension host updates providers asynchronously. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 150));
  }
}
