// A request body serialised while it was built. A batch of 500 members kept as objects until
// its request goes lives long enough to be promoted to V8's old space, and the HTTP client
// serialises it again; built as JSON text member by member, each member's objects die at once.
// The transport sends `jsonTextOf(body)` as it is. The body's own enumerable properties read
// the text back, so that a transport (or test) that wants an object still gets one.

const TEXT = Symbol('jsonText');
const ITEMS = Symbol('jsonItems');

/** A body whose JSON text is `text`, an object with the top-level `keys`, holding `items` list entries. */
export function jsonBody(text: string, keys: readonly string[], items: number): object {
	const body = {};
	Object.defineProperty(body, TEXT, { value: text });
	Object.defineProperty(body, ITEMS, { value: items });
	for (const key of keys) {
		Object.defineProperty(body, key, { enumerable: true, get: () => (JSON.parse(text) as Record<string, unknown>)[key] });
	}
	return body;
}

/** The JSON text of a body built by jsonBody, or undefined for any other body. */
export function jsonTextOf(body: unknown): string | undefined {
	return typeof body === 'object' && body !== null && TEXT in body ? (body as { [TEXT]: string })[TEXT] : undefined;
}

/** How many list entries a body built by jsonBody holds (the members of a batch), or undefined. */
export function jsonItemsOf(body: unknown): number | undefined {
	return typeof body === 'object' && body !== null && ITEMS in body ? (body as { [ITEMS]: number })[ITEMS] : undefined;
}
