// A request body serialised before it waits for its request. A batch of 500 members kept as
// objects until Mailchimp answers lives long enough to be promoted to V8's old space, and the
// HTTP client serialises it again; serialised as it is built, its objects die young. The text is
// kept as UTF-8 bytes: a batch's JSON (about 100 KB) as a string outlives a scavenge and dies in
// V8's old space (in its large-object space once a name beyond Latin-1 makes it two bytes a
// character), freed only by a full collection; as bytes outside the heap, written into reused
// memory (bodyBuffers.ts), it is given back once its request has settled. The transport sends
// `jsonBytesOf(body)` as it is. The body's own enumerable properties read the text back, so that
// a transport (or a test) that wants an object still gets one.

const TEXT = Symbol('jsonText');
const ITEMS = Symbol('jsonItems');

/** Where a body's bytes are: cleared once they are given back (`releaseJsonBody`). */
interface Text {
	bytes: Buffer | undefined;
}

function bytesIn(text: Text): Buffer {
	if (text.bytes === undefined) throw new Error('The request body was read after its request settled');
	return text.bytes;
}

/** A body whose JSON text is `bytes` (UTF-8), an object with the top-level `keys`, holding `items` list entries. */
export function jsonBody(bytes: Buffer, keys: readonly string[], items: number): object {
	const held: Text = { bytes };
	const body = {};
	Object.defineProperty(body, TEXT, { value: held });
	Object.defineProperty(body, ITEMS, { value: items });
	for (const key of keys) {
		Object.defineProperty(body, key, { enumerable: true, get: () => (JSON.parse(bytesIn(held).toString('utf8')) as Record<string, unknown>)[key] });
	}
	return body;
}

/** The JSON text of a body built by jsonBody, as UTF-8 bytes, or undefined for any other body. */
export function jsonBytesOf(body: unknown): Buffer | undefined {
	return typeof body === 'object' && body !== null && TEXT in body ? bytesIn((body as { [TEXT]: Text })[TEXT]) : undefined;
}

/** Takes back the bytes of a body built by jsonBody, once no request can read them: reading the body afterwards throws. */
export function releaseJsonBody(body: object): Buffer | undefined {
	if (!(TEXT in body)) return undefined;
	const held = (body as { [TEXT]: Text })[TEXT];
	const bytes = held.bytes;
	held.bytes = undefined;
	return bytes;
}

/** How many list entries a body built by jsonBody holds (the members of a batch), or undefined. */
export function jsonItemsOf(body: unknown): number | undefined {
	return typeof body === 'object' && body !== null && ITEMS in body ? (body as { [ITEMS]: number })[ITEMS] : undefined;
}
