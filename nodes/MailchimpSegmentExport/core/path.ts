// Field paths are data, not code: `contact.email` reads own properties only, one segment at a
// time. Nothing here ever writes to an object, so `__proto__.x` or `constructor.prototype.x`
// can neither pollute nor reach anything but the profile's own data.

import { ExportError } from './errors';

export const MAX_PATH_LENGTH = 512;
export const MAX_PATH_SEGMENTS = 32;

/** A compiled field path: reads a value from a profile. */
export interface FieldPath {
	readonly path: string;
	read(data: unknown): unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

function readSegments(data: unknown, segments: readonly string[]): unknown {
	let current: unknown = data;
	for (let i = 0; i < segments.length; i++) {
		if (current === null || typeof current !== 'object') return undefined;
		const key = segments[i];
		if (!hasOwn.call(current, key)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * Compiles a dotted path. A key that itself contains dots (a CSV column named `contact.email`)
 * is found too: the whole path is tried as one own key first.
 * Throws ExportError for an empty, too long or too deep path.
 */
export function compilePath(path: string, what: string): FieldPath {
	if (typeof path !== 'string' || path.trim() === '') {
		throw new ExportError(`The ${what} field path is empty`, `Enter the name of the field that holds the ${what}.`);
	}
	const trimmed = path.trim();
	if (trimmed.length > MAX_PATH_LENGTH) {
		throw new ExportError(
			`The ${what} field path is too long (${trimmed.length} characters)`,
			`A field path has at most ${MAX_PATH_LENGTH} characters.`,
		);
	}
	const segments = trimmed.split('.');
	if (segments.length > MAX_PATH_SEGMENTS) {
		throw new ExportError(
			`The ${what} field path has too many parts (${segments.length})`,
			`A field path has at most ${MAX_PATH_SEGMENTS} dot-separated parts.`,
		);
	}
	if (segments.length === 1) {
		return {
			path: trimmed,
			read(data: unknown): unknown {
				if (data === null || typeof data !== 'object' || !hasOwn.call(data, trimmed)) return undefined;
				return (data as Record<string, unknown>)[trimmed];
			},
		};
	}
	return {
		path: trimmed,
		read(data: unknown): unknown {
			if (data === null || typeof data !== 'object') return undefined;
			if (hasOwn.call(data, trimmed)) return (data as Record<string, unknown>)[trimmed];
			return readSegments(data, segments);
		},
	};
}
