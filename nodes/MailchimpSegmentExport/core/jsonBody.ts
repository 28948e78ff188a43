// A request body serialised before it waits for its request. A batch of 500 members kept as
// objects until Mailchimp answers lives long enough to be promoted to V8's old space, and the
// HTTP client serialises it again; serialised when the batch is full, its objects die young.
// The text is kept as UTF-8 bytes: a batch's JSON (about 100 KB) as a string outlives a
// scavenge and dies in V8's old space (in its large-object space once a name beyond Latin-1 makes
// it two bytes a character), freed only by a full collection; as bytes outside the heap, V8
// counts it and collects sooner. The transport sends `jsonBytesOf(body)`
// as it is. The body's own enumerable properties read the text back, so that a transport (or a
// test) that wants an object still gets one.

const TEXT = Symbol('jsonText');
const ITEMS = Symbol('jsonItems');

/** A body whose JSON text is `text`, an object with the top-level `keys`, holding `items` list entries. */
export function jsonBody(text: string, keys: readonly string[], items: number): object {
	const bytes = Buffer.from(text, 'utf8');
	const body = {};
	Object.defineProperty(body, TEXT, { value: bytes });
	Object.defineProperty(body, ITEMS, { value: items });
	for (const key of keys) {
		Object.defineProperty(body, key, { enumerable: true, get: () => (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)[key] });
	}
	return body;
}

/** The JSON text of a body built by jsonBody, as UTF-8 bytes, or undefined for any other body. */
export function jsonBytesOf(body: unknown): Buffer | undefined {
	return typeof body === 'object' && body !== null && TEXT in body ? (body as { [TEXT]: Buffer })[TEXT] : undefined;
}

/** How many list entries a body built by jsonBody holds (the members of a batch), or undefined. */
export function jsonItemsOf(body: unknown): number | undefined {
	return typeof body === 'object' && body !== null && ITEMS in body ? (body as { [ITEMS]: number })[ITEMS] : undefined;
}
