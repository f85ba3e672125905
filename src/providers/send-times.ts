// When a request really left: the moment fetch wrote its headers to the socket, from undici's
// diagnostics channel (Node's fetch is undici). Between a limiter's slot and that moment lie a token
// fetch, a new connection (a TLS handshake to a real provider) or a busy event loop; a request sent late
// arrives late, the next one on time, and the two arrive closer than the provider's window allows. The
// limiter spaces the next slot from the later of the two moments instead.
//
// No library exposes this; the channel is undici's public interface for it.
import diagnosticsChannel from 'node:diagnostics_channel';

interface SendHeadersMessage {
  request: { origin?: unknown; path?: unknown };
}

const CHANNEL = 'undici:client:sendHeaders';
const waiting = new Map<string, Array<() => void>>();
let subscribed = false;

function onSendHeaders(message: unknown): void {
  const { request } = message as SendHeadersMessage;
  if (typeof request?.origin !== 'string' || typeof request.path !== 'string') return;
  const key = `${request.origin}${request.path}`;
  const callbacks = waiting.get(key);
  const callback = callbacks?.shift();
  if (callbacks !== undefined && callbacks.length === 0) waiting.delete(key);
  callback?.();
}

/** `new URL(url)` as undici writes it: origin, then path and query. */
function keyOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search}`;
}

/**
 * Calls `onSent` when a request to `url` writes its headers. Returns the function that forgets it, which
 * answers true when the request had not been sent (an attempt that ended before it left).
 */
export function whenSent(url: string, onSent: () => void): () => boolean {
  if (!subscribed) {
    diagnosticsChannel.subscribe(CHANNEL, onSendHeaders);
    subscribed = true;
  }
  const key = keyOf(url);
  let done = false;
  const callback = () => {
    if (done) return;
    done = true;
    onSent();
  };
  const callbacks = waiting.get(key) ?? [];
  callbacks.push(callback);
  waiting.set(key, callbacks);
  return () => {
    if (done) return false;
    done = true;
    const list = waiting.get(key);
    const index = list?.indexOf(callback) ?? -1;
    if (list !== undefined && index >= 0) list.splice(index, 1);
    if (list !== undefined && list.length === 0) waiting.delete(key);
    return true;
  };
}
