// Merge field values: what each type accepts, the messages Mailchimp answers with, and how a
// member read answers a stored value (where that is undocumented, as a behaviour switch says).
import type { Behaviour } from './behaviour';
import type { FieldError } from './problem';
import type { MergeFieldSpec } from './types';

const TEXT_MAX = 255;
const URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const PHONE = /^\+?[0-9().\s-]{6,20}$/;
const ZIP = /^\d{5}$/;
const ADDRESS_PARTS = ['addr1', 'city', 'state', 'zip'] as const;
// Mailchimp's own wording, where a public source quotes it (see README.md).
const DATE_MESSAGE = 'Please enter the date';
const BIRTHDAY_MESSAGE = 'Please enter a month (01-12) and a day (01-31)';

function validDay(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function matchesDateFormat(value: string, format: string): boolean {
	const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
	const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	switch (format) {
		case 'MM/DD/YYYY':
			return !!m && validDay(+m[3], +m[1], +m[2]);
		case 'DD/MM/YYYY':
			return !!m && validDay(+m[3], +m[2], +m[1]);
		default:
			return !!iso && validDay(+iso[1], +iso[2], +iso[3]);
	}
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** The message for a value a field does not accept; undefined when it fits. */
function valueMessage(field: MergeFieldSpec, value: unknown): string | undefined {
	const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
	switch (field.type) {
		case 'number':
			return text !== undefined && text.trim() !== '' && Number.isFinite(Number(text)) ? undefined : 'Please enter a number';
		case 'address': {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'Please enter a complete address';
			const address = value as Record<string, unknown>;
			return ADDRESS_PARTS.every((part) => typeof address[part] === 'string' && address[part] !== '')
				? undefined
				: 'Please enter a complete address';
		}
		case 'date': {
			const format = field.options?.date_format ?? 'YYYY-MM-DD';
			return text !== undefined && matchesDateFormat(text, format) ? undefined : DATE_MESSAGE;
		}
		case 'birthday': {
			// Read in the field's own format (craft-freeform issue 2615): 12/31 on a DD/MM field is
			// day 12 of month 31.
			const m = text === undefined ? null : /^(\d{2})\/(\d{2})$/.exec(text);
			const dayFirst = field.options?.date_format === 'DD/MM';
			const [month, day] = m === null ? [0, 0] : dayFirst ? [+m[2], +m[1]] : [+m[1], +m[2]];
			return m && validDay(2000, month, day) ? undefined : BIRTHDAY_MESSAGE;
		}
		case 'radio':
		case 'dropdown':
			return text !== undefined && (field.options?.choices ?? []).includes(text)
				? undefined
				: 'Please choose one of the available options';
		case 'url':
		case 'imageurl':
			return text !== undefined && URL.test(text) ? undefined : 'Please enter a valid URL';
		case 'phone':
			return text !== undefined && PHONE.test(text) ? undefined : 'Please enter a valid phone number';
		case 'zip':
			return text !== undefined && ZIP.test(text) ? undefined : 'Please enter a zip code (5 digits)';
		case 'text':
			if (text === undefined) return 'Please enter a text value';
			return text.length > TEXT_MAX ? `Please enter a value of ${TEXT_MAX} characters or fewer` : undefined;
	}
}

/**
 * Checks a member's merge values against the list's fields. Unknown tags are ignored (and
 * not stored), empty values clear a field, required fields must end up with a value.
 * Returns the first error, or the values to store; `current` is left untouched on error.
 */
export function checkMergeFields(
	fields: ReadonlyMap<string, MergeFieldSpec>,
	required: readonly string[],
	given: Record<string, unknown> | undefined,
	current: Record<string, unknown> | undefined,
): { error: FieldError } | { values: Record<string, unknown> | undefined } {
	const tags = given ? Object.keys(given) : [];
	for (const tag of tags) {
		const field = fields.get(tag);
		const value = given![tag];
		if (field && !isEmpty(value)) {
			const message = valueMessage(field, value);
			if (message) return { error: { field: tag, message } };
		}
	}
	for (const tag of required) {
		const value = given && tag in given ? given[tag] : current?.[tag];
		if (isEmpty(value)) return { error: { field: tag, message: 'Please enter a value' } };
	}
	if (tags.length === 0) return { values: current };
	const values = current ?? {};
	for (const tag of tags) {
		const field = fields.get(tag);
		if (!field) continue;
		const value = given![tag];
		if (isEmpty(value)) delete values[tag];
		else values[tag] = field.type === 'number' ? Number(value) : value;
	}
	return { values };
}

/** A stored date as YYYY-MM-DD, read in the field's format; undefined when it is not one. */
function isoOf(value: string, format: string): string | undefined {
	const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
	if (format === 'MM/DD/YYYY' && m) return `${m[3]}-${m[1]}-${m[2]}`;
	if (format === 'DD/MM/YYYY' && m) return `${m[3]}-${m[2]}-${m[1]}`;
	return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

/** A stored merge value as a member read answers it, under the behaviour switches (README.md). */
export function answeredValue(field: MergeFieldSpec, value: unknown, behaviour: Behaviour): unknown {
	if (value === undefined || value === null || value === '') return '';
	switch (field.type) {
		case 'number':
			return behaviour.numberAnswer === 'text' ? String(value) : value;
		case 'date':
			return behaviour.dateAnswer === 'iso' ? (isoOf(String(value), field.options?.date_format ?? 'YYYY-MM-DD') ?? value) : value;
		case 'phone': {
			const digits = String(value).replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
			return behaviour.phoneAnswer === 'usFormat' && digits.length === 10 ? `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}` : value;
		}
		case 'address':
			return behaviour.addressAnswer === 'allParts' && typeof value === 'object'
				? { addr1: '', addr2: '', city: '', state: '', zip: '', country: 'US', ...(value as Record<string, unknown>) }
				: value;
		default:
			return value;
	}
}
