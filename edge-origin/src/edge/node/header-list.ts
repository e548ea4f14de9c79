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
