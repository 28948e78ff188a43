// count/offset paging and the `fields` / `exclude_fields` filters of answers.
const MAX_COUNT = 1000;

export function paging(query: URLSearchParams): { offset: number; count: number } {
	const count = Number(query.get('count') ?? 10);
	const offset = Number(query.get('offset') ?? 0);
	return {
		count: Number.isInteger(count) && count >= 0 ? Math.min(count, MAX_COUNT) : 10,
		offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
	};
}

type Json = unknown;

function pick(value: Json, paths: string[][]): Json {
	if (Array.isArray(value)) return value.map((item) => pick(item, paths));
	if (typeof value !== 'object' || value === null) return value;
	const out: Record<string, Json> = {};
	for (const [key, child] of Object.entries(value)) {
		const below = paths.filter((path) => path[0] === key);
		if (below.length === 0) continue;
		out[key] = below.some((path) => path.length === 1) ? child : pick(child, below.map((path) => path.slice(1)));
	}
	return out;
}

function omit(value: Json, paths: string[][]): Json {
	if (Array.isArray(value)) return value.map((item) => omit(item, paths));
	if (typeof value !== 'object' || value === null) return value;
	const out: Record<string, Json> = {};
	for (const [key, child] of Object.entries(value)) {
		const below = paths.filter((path) => path[0] === key);
		if (below.some((path) => path.length === 1)) continue;
		out[key] = below.length ? omit(child, below.map((path) => path.slice(1))) : child;
	}
	return out;
}

const split = (list: string): string[][] =>
	list
		.split(',')
		.map((path) => path.trim())
		.filter(Boolean)
		.map((path) => path.split('.'));

/** Applies Mailchimp's `fields` and `exclude_fields` query parameters (comma-separated dotted paths). */
export function filterFields(body: Json, query: URLSearchParams): Json {
	const fields = query.get('fields');
	const excluded = query.get('exclude_fields');
	let out = body;
	if (fields) out = pick(out, split(fields));
	if (excluded) out = omit(out, split(excluded));
	return out;
}
