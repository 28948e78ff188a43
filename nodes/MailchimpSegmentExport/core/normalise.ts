// Equal after Mailchimp's normalisation: each mapped merge field gets a pair of functions that
// turn the value the node would send, and the value Mailchimp's members list answers, into
// comparable text. Where Mailchimp's formatting is not documented, only the forms known to mean
// the same value compare equal (a number written as text, a date in ISO or in the field's
// format); anything else compares unequal, and the member is sent: a false "changed" costs one
// upsert, a false "unchanged" would leave stale data in the audience.

import { ADDRESS_KEYS, ISO_DATE_RE, OMIT, compileDateFormat, parseDecimal } from './mergeFields';
import type { MergeFieldDefinition } from './types';

/** What a field compares as when the node sends nothing for it and Mailchimp holds nothing. */
export const EMPTY = '\u0000';
/** What Mailchimp's value compares as when its form is not understood: equal to nothing sent. */
export const UNKNOWN = '\u0001';

export interface FieldNormaliser {
	/** The value the node sends (a converter's result, OMIT when not sent). */
	sent(value: unknown): string;
	/** The value the members list answered (undefined when the field was left out). */
	held(value: unknown): string;
}

const isNothing = (value: unknown): boolean => value === undefined || value === null || value === '';

/** Exact text: what is sent must come back as it was. */
const exact: FieldNormaliser = {
	sent: (value) => (value === OMIT ? EMPTY : `t${String(value)}`),
	held: (value) => (isNothing(value) ? EMPTY : typeof value === 'string' ? `t${value}` : UNKNOWN),
};

const number: FieldNormaliser = {
	sent: (value) => (value === OMIT ? EMPTY : `n${String(value)}`),
	held(value) {
		if (isNothing(value)) return EMPTY;
		if (typeof value === 'number') return Number.isFinite(value) ? `n${String(value)}` : UNKNOWN;
		if (typeof value === 'string' && value.length <= 64) {
			const n = parseDecimal(value.trim());
			if (!Number.isNaN(n)) return `n${String(n)}`;
		}
		return UNKNOWN;
	},
};

/** A date: the node sends the field's format; Mailchimp may answer that, or ISO. */
function date(def: MergeFieldDefinition): FieldNormaliser {
	const own = compileDateFormat(def.options.dateFormat, 'YYYY-MM-DD');
	return {
		sent: (value) => (value === OMIT ? EMPTY : `d${own.parse(String(value))}`),
		held(value) {
			if (isNothing(value)) return EMPTY;
			if (typeof value !== 'string') return UNKNOWN;
			const iso = ISO_DATE_RE.exec(value);
			const packed = iso !== null ? Number(iso[1]) * 10000 + Number(iso[2]) * 100 + Number(iso[3]) : own.parse(value);
			return packed > 0 ? `d${packed}` : UNKNOWN;
		},
	};
}

/**
 * An address: the parts the node sends, each as text; a part the node leaves out must be empty
 * in Mailchimp (a country Mailchimp fills in by itself makes the member look changed: sent).
 */
const address: FieldNormaliser = {
	sent(value) {
		if (value === OMIT) return EMPTY;
		const parts = value as Record<string, string>;
		return `a${ADDRESS_KEYS.map((k) => parts[k] ?? '').join('\u0002')}`;
	},
	held(value) {
		if (isNothing(value)) return EMPTY;
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNKNOWN;
		const parts = value as Record<string, unknown>;
		const texts: string[] = [];
		for (const k of ADDRESS_KEYS) {
			const part = parts[k] ?? '';
			if (typeof part !== 'string') return UNKNOWN;
			texts.push(part);
		}
		return texts.every((t) => t === '') ? EMPTY : `a${texts.join('\u0002')}`;
	},
};

/** The normaliser of a merge field's type (text, phone, url, zip, radio, dropdown, birthday: exact). */
export function compileNormaliser(def: MergeFieldDefinition): FieldNormaliser {
	switch (String(def.type).toLowerCase()) {
		case 'number':
			return number;
		case 'date':
			return date(def);
		case 'address':
			return address;
		default:
			return exact;
	}
}
