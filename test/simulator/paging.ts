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

/** Compiled dotted paths: for each key, WHOLE (the path ends there) or the paths below it. */
type FieldTree = Map<string, FieldTree | typeof WHOLE>;
const WHOLE = true;

const hasOwn = Object.prototype.hasOwnProperty;

function compile(list: string): FieldTree {
	const tree: FieldTree = new Map();
	for (const path of list.split(',')) {
		if (path.trim() === '') continue;
		const keys = path.trim().split('.');
		let node = tree;
		for (let i = 0; i < keys.length; i++) {
			const below = node.get(keys[i]);
			if (below === WHOLE) break;
			if (i === keys.length - 1) {
				node.set(keys[i], WHOLE);
				break;
			}
			if (below === undefined) node.set(keys[i], (node = new Map()));
			else node = below;
		}
	}
	return tree;
}

// The few `fields` lists a client sends are compiled once each.
const compiled = new Map<string, FieldTree>();
const COMPILED_KEPT = 100;

function treeOf(list: string): FieldTree {
	let tree = compiled.get(list);
	if (tree === undefined) {
		tree = compile(list);
		if (compiled.size < COMPILED_KEPT) compiled.set(list, tree);
	}
	return tree;
}

function pick(value: Json, tree: FieldTree): Json {
	if (Array.isArray(value)) {
		const out: Json[] = new Array(value.length);
		for (let i = 0; i < value.length; i++) out[i] = pick(value[i], tree);
		return out;
	}
	if (typeof value !== 'object' || value === null) return value;
	const out: Record<string, Json> = {};
	for (const key in value) {
		if (!hasOwn.call(value, key)) continue;
		const below = tree.get(key);
		if (below === undefined) continue;
		const child = (value as Record<string, Json>)[key];
		out[key] = below === WHOLE ? child : pick(child, below);
	}
	return out;
}

function omit(value: Json, tree: FieldTree): Json {
	if (Array.isArray(value)) return value.map((item) => omit(item, tree));
	if (typeof value !== 'object' || value === null) return value;
	const out: Record<string, Json> = {};
	for (const key in value) {
		if (!hasOwn.call(value, key)) continue;
		const below = tree.get(key);
		if (below === WHOLE) continue;
		const child = (value as Record<string, Json>)[key];
		out[key] = below === undefined ? child : omit(child, below);
	}
	return out;
}

/** Applies Mailchimp's `fields` and `exclude_fields` query parameters (comma-separated dotted paths). */
export function filterFields(body: Json, query: URLSearchParams): Json {
	const fields = query.get('fields');
	const excluded = query.get('exclude_fields');
	let out = body;
	if (fields) out = pick(out, treeOf(fields));
	if (excluded) out = omit(out, treeOf(excluded));
	return out;
}
