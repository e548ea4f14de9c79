// An answer's header fields as the Node fast paths write them: the flat [name, value, ...] list
// Node's writeHead takes, prepared once per stored entry (or fill) and reused, with the slot of
// Age, the one field computed per request. Same fields, same order as @hono/node-server sends for
// the general path's Response, so both paths give the same bytes (tests/edge/fast-hit.test.ts).

/** What @hono/node-server gives a response body that has no Content-Type. */
export const NODE_SERVER_DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

export interface HeaderList {
  fields: string[];
  /** Index in `fields` of Age's value. */
  ageAt: number;
}

/** Null when the fast path cannot match the general path's bytes: no Age, or Set-Cookie
 * (@hono/node-server moves those last: not worth copying that here). */
export function headerList(headers: Headers, bodyFollows: boolean): HeaderList | null {
  const fields: string[] = [];
  let ageAt = -1;
  for (const [name, value] of headers) {
    if (name === 'set-cookie') return null;
    if (name === 'age') ageAt = fields.length + 1;
    fields.push(name, value);
  }
  if (bodyFollows && !headers.has('content-type')) fields.push('content-type', NODE_SERVER_DEFAULT_CONTENT_TYPE);
  return ageAt < 0 ? null : { fields, ageAt };
}

/** A message's fields as a web Headers, built as @hono/node-server and undici build theirs: each
 * raw field appended in order (HTTP/2 pseudo-fields left out). */
export function headersFromRaw(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (!name.startsWith(':')) headers.append(name, raw[i + 1]!);
  }
  return headers;
}

/** The fields @hono/node-server hands writeHead for a Response with these headers: Headers' order,
 * Set-Cookie moved last, a Content-Type added when a body follows without one. */
export function outgoingFields(headers: Headers, bodyFollows: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of headers) {
    if (name === 'set-cookie') (cookies ??= []).push(value);
    else out[name] = value;
  }
  if (cookies) out['set-cookie'] = cookies;
  if (bodyFollows) out['content-type'] ??= NODE_SERVER_DEFAULT_CONTENT_TYPE;
  return out;
}
