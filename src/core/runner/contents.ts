// The Jupyter Contents API as the sync sees it (RemoteFiles), over plain fetch so that every
// answer can be judged: paths percent-encoded under the base URL, big files in chunks, sizes
// checked after upload.
//
// Chunked upload is Jupyter's own protocol (jupyter_server's LargeFileManager, the default
// contents manager): PUT {type:'file', format:'base64', content, chunk:n} with chunk 1 creating
// the file, 2, 3, … appending, and -1 appending the last piece. Each piece is its own request, so
// a request-body limit in front of the server (nginx's default is 1 MiB) no longer caps file size.
import type { UserError } from '../errors';
import { PaperTrailError } from '../errors';
import type { JupyterHttp, Reply } from './http';
import { apiUrl, formatBytes, jsonError, redactUrl, request, tooLargeError } from './http';
import type { RemoteFiles } from './sync';

/**
 * Raw bytes per request. base64 grows data by 4/3 and the JSON wrapper adds ~80 bytes, so a
 * 512 KiB piece is a ~683 KiB body: well under a 1 MiB limit. Files up to this size go as one PUT.
 */
export const CHUNK_BYTES = 512 * 1024;
/** Below this a refused request is not a chunk-size problem worth halving further. */
export const MIN_CHUNK_BYTES = 16 * 1024;

export interface ContentsOptions {
  chunkBytes?: number;
  minChunkBytes?: number;
  /** Told once per size change when the server refuses a request as too large. */
  onInfo?: (line: string) => void;
}

type Entries = Map<string, { type: string; lastModified: string }>;

/** RemoteFiles over the Contents API. Methods throw PaperTrailError with one line each. */
export function contentsRemote(http: JupyterHttp, opts: ContentsOptions = {}): RemoteFiles {
  const where = redactUrl(http.baseUrl);
  const min = opts.minChunkBytes ?? MIN_CHUNK_BYTES;
  // Shared by all uploads of a sync: once the server refused a size, later files start smaller.
  let chunk = opts.chunkBytes ?? CHUNK_BYTES;

  const url = (p: string, query = '') => apiUrl(http.baseUrl, 'api/contents', p, query);
  const expectJson = (reply: Reply, what: string): { status: number; data: Record<string, unknown> } => {
    if (reply.kind === 'failed') throw new PaperTrailError(reply.error.code, reply.error.message);
    if (reply.kind === 'too-large') throw asThrown(tooLargeError(where, what, undefined, reply.status));
    return reply;
  };
  const expectOk = (reply: Reply, what: string): Record<string, unknown> => {
    const r = expectJson(reply, what);
    if (r.status >= 300) throw asThrown(jsonError(http, r, what));
    return r.data;
  };

  /** After `sent` raw bytes were refused: the next, smaller chunk size, or the final error. */
  const shrink = (sent: number, bodyBytes: number, status: string, what: string): void => {
    const next = Math.floor(sent / 2);
    if (next < min) throw asThrown(tooLargeError(where, what, bodyBytes, status));
    if (next < chunk) {
      chunk = next;
      opts.onInfo?.(
        `the Jupyter server refused a ${formatBytes(bodyBytes)} upload request (${status}); sending ${formatBytes(chunk)} chunks`,
      );
    }
  };

  const putFile = (file: string, piece: Buffer, n: number | undefined): Promise<{ reply: Reply; bodyBytes: number }> => {
    const body = JSON.stringify({
      type: 'file',
      format: 'base64',
      content: piece.toString('base64'),
      ...(n !== undefined ? { chunk: n } : {}),
    });
    return request(http, 'PUT', url(file), `uploading ${file}`, body).then((reply) => ({ reply, bodyBytes: body.length }));
  };

  /** One PUT; undefined when refused as too large (the chunk size is then smaller). */
  const putWhole = async (file: string, content: Buffer): Promise<Record<string, unknown> | undefined> => {
    const { reply, bodyBytes } = await putFile(file, content, undefined);
    if (reply.kind === 'too-large') {
      shrink(content.length, bodyBytes, reply.status, `uploading ${file}`);
      return undefined;
    }
    return expectOk(reply, `uploading ${file}`);
  };

  /**
   * Chunks 1, 2, …, -1 from the current chunk size; a refused chunk is sent again, halved. Called
   * only for a file bigger than the chunk size (which only shrinks), so chunk 1 is never the
   * last: a lone -1 would append to an old copy of the file instead of replacing it.
   */
  const putChunks = async (file: string, content: Buffer): Promise<void> => {
    let offset = 0;
    for (let n = 1; offset < content.length; ) {
      const size = Math.min(chunk, content.length - offset);
      const last = n > 1 && offset + size >= content.length;
      const { reply, bodyBytes } = await putFile(file, content.subarray(offset, offset + size), last ? -1 : n);
      if (reply.kind === 'too-large') {
        shrink(size, bodyBytes, reply.status, `uploading ${file}`);
        continue;
      }
      expectOk(reply, `uploading ${file}`);
      offset += size;
      n++;
    }
  };

  /** The file's model without content; its `size` is what the server holds. */
  const stat = async (file: string): Promise<Record<string, unknown>> =>
    expectOk(await request(http, 'GET', url(file, '?content=0&type=file'), `checking ${file}`), `checking ${file}`);

  const verifySize = (file: string, model: Record<string, unknown>, expected: number, chunked: boolean): void => {
    // A server that does not report sizes cannot be checked; Jupyter's own managers do.
    if (typeof model.size !== 'number' || model.size === expected) return;
    const why = chunked
      ? "its contents manager may not support chunked uploads (jupyter_server's LargeFileManager does); use a server that does, or copy the file there by hand"
      : 'the upload was cut short; run again';
    throw new PaperTrailError(
      chunked ? 'unsupported' : 'network',
      `${file} arrived on the Jupyter server at ${where} with ${model.size} of ${expected} bytes: ${why}`,
    );
  };

  return {
    async list(dir: string): Promise<Entries | undefined> {
      const what = `listing ${dir || 'the server root'}`;
      const r = expectJson(await request(http, 'GET', url(dir, '?content=1&type=directory'), what), what);
      if (r.status === 404) return undefined;
      if (r.status >= 300) throw asThrown(jsonError(http, r, what));
      const out: Entries = new Map();
      const items = Array.isArray(r.data.content) ? (r.data.content as { name?: unknown; type?: unknown; last_modified?: unknown }[]) : [];
      for (const c of items)
        if (typeof c.name === 'string') out.set(c.name, { type: String(c.type ?? ''), lastModified: String(c.last_modified ?? '') });
      return out;
    },
    async mkdir(dir: string): Promise<void> {
      const what = `creating folder ${dir}`;
      expectOk(await request(http, 'PUT', url(dir), what, JSON.stringify({ type: 'directory' })), what);
    },
    async upload(file: string, content: Buffer): Promise<string> {
      const whole = content.length <= chunk ? await putWhole(file, content) : undefined;
      if (whole) {
        verifySize(file, whole, content.length, false);
        return typeof whole.last_modified === 'string' ? whole.last_modified : '';
      }
      await putChunks(file, content);
      const model = await stat(file);
      verifySize(file, model, content.length, true);
      return typeof model.last_modified === 'string' ? model.last_modified : '';
    },
    async remove(file: string): Promise<void> {
      const what = `deleting ${file}`;
      const r = expectJson(await request(http, 'DELETE', url(file), what), what);
      if (r.status !== 404 && r.status >= 300) throw asThrown(jsonError(http, r, what));
    },
  };
}

function asThrown(e: UserError): PaperTrailError {
  return new PaperTrailError(e.code, e.message);
}
