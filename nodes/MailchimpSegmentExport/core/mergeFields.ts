// Merge field values: one converter per merge field, compiled once per export, turns a profile
// value into what the audience's field type wants, or says why it cannot. A value that cannot
// be converted is never sent as it is: the row is rejected with the field named (profile.ts).

import { z } from 'zod';

import type { MergeFieldDefinition } from './types';

/** Returned by a converter when the value is empty and the field is optional: not sent. */
export const OMIT: unique symbol = Symbol('omit');

/** Returned by a converter when the value cannot be used. */
export class Invalid {
	constructor(readonly reason: string) {}
}

/** Converts one value: the value to send, OMIT, or Invalid. */
export type Converter = (value: unknown) => unknown;

export const MAX_TEXT_LENGTH = 255;

const PHONE_RE = /^\+?[0-9()\-. /]*[0-9][0-9()\-. /]*(?:\s*(?:x|ext\.?|#)\s*\d{1,6})?$/i;
const URL_RE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const ZIP_RE = /^\d{5}$/;
export const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The parts of an address merge field, in Mailchimp's order. */
export const ADDRESS_KEYS = ['addr1', 'addr2', 'city', 'state', 'zip', 'country'] as const;
const ISO_TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const YEAR_FIRST_SLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const MONTH_NAMES = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const WEEKDAY = '(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?';
// "March 4, 2024", "Mon Mar 04 2024 10:00:00 GMT+0000 (...)" (Date.prototype.toString)
const MONTH_DAY_YEAR_RE = new RegExp(`^${WEEKDAY}(${MONTH_NAMES})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?:[\\sT,].*)?$`, 'i');
// "4 March 2024", "Mon, 04 Mar 2024 10:00:00 GMT" (Date.prototype.toUTCString)
const DAY_MONTH_YEAR_RE = new RegExp(`^${WEEKDAY}(\\d{1,2})(?:st|nd|rd|th)?\\s+(${MONTH_NAMES})\\.?,?\\s+(\\d{4})(?:[\\sT,].*)?$`, 'i');
const MONTH_INDEX: Record<string, number> = {
	jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
		return JSON.stringify(shown);
	}
	return String(value);
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * True when `s` has a C0 control other than tab, line feed and carriage return, DEL, or a C1
 * control: the Unicode category Cc (U+0000-U+001F and U+007F-U+009F) without those three. A scan
 * of the UTF-16 units (no Cc character is above U+009F, none is a surrogate) costs a fraction of
 * a regex call on the short values of a profile.
 */
function hasControl(s: string): boolean {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== 0x0d : c >= 0x7f && c <= 0x9f) return true;
	}
	return false;
}

/** Powers of ten that are exact doubles. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The number a decimal text stands for (an optional sign, digits with an optional point, an
 * optional exponent), as Number reads it; NaN for any other text. An amount of at most 15 digits
 * and no exponent is computed as digits / 10^decimals: both are exact doubles, so the one rounded
 * division gives Number's correctly rounded value (at a fraction of its cost); other forms go to
 * Number.
 */
export function parseDecimal(s: string): number {
	const n = s.length;
	let i = 0;
	let c = s.charCodeAt(0);
	const negative = c === 45;
	if (negative || c === 43) i++;
	let digits = 0;
	let mantissa = 0;
	const intStart = i;
	for (; i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57; i++) mantissa = mantissa * 10 + (c - 48);
	digits = i - intStart;
	let decimals = 0;
	if (i < n && s.charCodeAt(i) === 46) {
		const fracStart = ++i;
		for (; i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57; i++) mantissa = mantissa * 10 + (c - 48);
		decimals = i - fracStart;
		digits += decimals;
	}
	if (digits === 0) return NaN;
	if (i === n) {
		if (digits > 15) return Number(s);
		const value = mantissa / EXACT_POWERS_OF_TEN[decimals];
		return negative ? -value : value;
	}
	if ((s.charCodeAt(i) | 32) !== 101) return NaN;
	c = s.charCodeAt(++i);
	if (c === 43 || c === 45) i++;
	const expStart = i;
	while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
	return i === expStart || i !== n ? NaN : Number(s);
}

function codePointLength(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0xd800 || c > 0xdbff) n++;
	}
	return n;
}

/** A scalar as trimmed text, or Invalid. Objects, lists, NaN and Infinity are not text. */
export function toText(value: unknown, maxLength = MAX_TEXT_LENGTH): string | Invalid {
	let s: string;
	if (typeof value === 'string') s = value.trim();
	else if (typeof value === 'number') {
		if (!Number.isFinite(value)) return new Invalid(`${describe(value)} is not a usable value`);
		s = String(value);
	} else if (typeof value === 'boolean' || typeof value === 'bigint') s = String(value);
	else return new Invalid(`expected text, got ${describe(value)}`);
	if (hasControl(s)) return new Invalid('contains control characters');
	if (s.length > maxLength && codePointLength(s) > maxLength) {
		return new Invalid(`is longer than ${maxLength} characters`);
	}
	return s;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** y*10000 + m*100 + d when the date exists, else 0. */
function packDate(year: number, month: number, day: number): number {
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return 0;
	if (day > daysInMonth(year, month)) return 0;
	return year * 10000 + month * 100 + day;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

interface DateFormat {
	/** True for YYYY-MM-DD: a valid ISO date is then written back as it was read. */
	readonly iso: boolean;
	/** Writes a packed date. */
	format(packed: number): string;
	/** Reads a date written in this format (only this field's own format for ambiguous forms). */
	parse(s: string): number;
}

/** Compiles a Mailchimp date_format (`MM/DD/YYYY`, `DD/MM/YYYY`, `YYYY-MM-DD`, `MM/DD`, ...). */
export function compileDateFormat(dateFormat: string | undefined, fallback: string): DateFormat {
	const fmt = (dateFormat ?? '').trim().toUpperCase();
	const tokens = fmt.match(/YYYY|MM|DD|[^YMD]+/g);
	const valid =
		tokens !== null &&
		tokens.join('') === fmt &&
		tokens.every((t) => t === 'YYYY' || t === 'MM' || t === 'DD' || !/[A-Z0-9]/.test(t)) &&
		tokens.includes('MM') &&
		tokens.includes('DD');
	const use = valid ? (tokens as string[]) : (fallback.match(/YYYY|MM|DD|[^YMD]+/g) as string[]);
	const hasYear = use.includes('YYYY');
	const order: Array<'Y' | 'M' | 'D'> = [];
	let pattern = '^';
	for (const t of use) {
		if (t === 'YYYY') {
			pattern += '(\\d{4})';
			order.push('Y');
		} else if (t === 'MM') {
			pattern += '(\\d{1,2})';
			order.push('M');
		} else if (t === 'DD') {
			pattern += '(\\d{1,2})';
			order.push('D');
		} else pattern += t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	}
	const re = new RegExp(`${pattern}$`);
	return {
		iso: use.join('') === 'YYYY-MM-DD',
		format(packed: number): string {
			const y = Math.floor(packed / 10000);
			const m = Math.floor(packed / 100) % 100;
			const d = packed % 100;
			let out = '';
			for (const t of use) out += t === 'YYYY' ? pad4(y) : t === 'MM' ? pad2(m) : t === 'DD' ? pad2(d) : t;
			return out;
		},
		parse(s: string): number {
			const match = re.exec(s);
			if (match === null) return 0;
			let y = 2000; // a leap year, so that 02/29 is a valid birthday
			let m = 0;
			let d = 0;
			for (let i = 0; i < order.length; i++) {
				const n = Number(match[i + 1]);
				if (order[i] === 'Y') y = n;
				else if (order[i] === 'M') m = n;
				else d = n;
			}
			return hasYear ? packDate(y, m, d) : packDate(2000, m, d);
		},
	};
}

/** `YYYY-MM-DD` (the common case) without a regex: the packed date, 0 when invalid, -1 when not this form. */
function isoDateFast(s: string): number {
	if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
	let n = 0;
	for (let i = 0; i < 10; i++) {
		if (i === 4 || i === 7) continue;
		const c = s.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		n = n * 10 + c;
	}
	return packDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100);
}

/** Reads a date from the unambiguous forms (ISO, year first, month names) or the field's format. */
function parseDate(value: unknown, own: DateFormat): number {
	if (value instanceof Date) {
		const t = value.getTime();
		if (Number.isNaN(t)) return 0;
		return packDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
	}
	if (typeof value !== 'string') return 0;
	const fast = isoDateFast(value);
	if (fast !== -1) return fast;
	const s = value.trim();
	if (s.length > 100) return 0;
	let m = ISO_DATE_RE.exec(s) ?? ISO_TIMESTAMP_RE.exec(s) ?? YEAR_FIRST_SLASH_RE.exec(s);
	if (m !== null) return packDate(Number(m[1]), Number(m[2]), Number(m[3]));
	const packed = own.parse(s);
	if (packed !== 0) return packed;
	m = MONTH_DAY_YEAR_RE.exec(s);
	if (m !== null) return packDate(Number(m[3]), MONTH_INDEX[m[1].slice(0, 3).toLowerCase()], Number(m[2]));
	m = DAY_MONTH_YEAR_RE.exec(s);
	if (m !== null) return packDate(Number(m[3]), MONTH_INDEX[m[2].slice(0, 3).toLowerCase()], Number(m[1]));
	return 0;
}

const addressPart = z.union([z.string(), z.number()]);
const addressSchema = z.object({
	addr1: addressPart,
	addr2: addressPart.optional().nullable(),
	city: addressPart,
	state: addressPart,
	zip: addressPart,
	country: addressPart.optional().nullable(),
});

function convertAddress(value: unknown): unknown {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return new Invalid(`an address must be an object with addr1, city, state and zip, got ${describe(value)}`);
	}
	const parsed = addressSchema.safeParse(value);
	if (!parsed.success) {
		const where = parsed.error.issues[0]?.path.join('.') ?? '';
		return new Invalid(`the address needs addr1, city, state and zip as text${where ? ` (problem with ${where})` : ''}`);
	}
	const out: Record<string, string> = {};
	for (const key of ADDRESS_KEYS) {
		const part = parsed.data[key];
		if (part === undefined || part === null) continue;
		const text = toText(part);
		if (text instanceof Invalid) return new Invalid(`address ${key} ${text.reason}`);
		if (text === '') {
			if (key === 'addr2' || key === 'country') continue;
			return new Invalid(`address ${key} is empty`);
		}
		out[key] = text;
	}
	return out;
}

/** Compiles the converter for one merge field. Call once per export, not per row. */
export function compileConverter(def: MergeFieldDefinition): Converter {
	const required = def.required;
	const type = String(def.type).toLowerCase();
	let convert: Converter;
	switch (type) {
		case 'number':
			convert = (value) => {
				if (typeof value === 'number') return Number.isFinite(value) ? value : new Invalid(`${describe(value)} is not a number`);
				if (typeof value === 'string') {
					const s = value.trim();
					if (s.length <= 64) {
						const n = parseDecimal(s);
						if (Number.isFinite(n)) return n;
					}
				}
				return new Invalid(`${describe(value)} is not a number`);
			};
			break;
		case 'date': {
			const own = compileDateFormat(def.options.dateFormat, 'YYYY-MM-DD');
			convert = (value) => {
				// A valid YYYY-MM-DD date in a YYYY-MM-DD field is sent as it is: formatting it
				// again gives the same characters.
				if (own.iso && typeof value === 'string' && isoDateFast(value) > 0) return value;
				const packed = parseDate(value, own);
				if (packed === 0) {
					return new Invalid(`${describe(value)} is not a date (use YYYY-MM-DD or ${def.options.dateFormat ?? 'YYYY-MM-DD'})`);
				}
				return own.format(packed);
			};
			break;
		}
		case 'birthday': {
			// Mailchimp reads a birthday in the field's own format (MM/DD or DD/MM): written the
			// other way round, a DD/MM audience swaps days 1 to 12 and refuses the others.
			const own = compileDateFormat(def.options.dateFormat, 'MM/DD');
			const shown = own.format(1231).replace('12', 'MM').replace('31', 'DD');
			convert = (value) => {
				const packed = parseDate(value, own);
				if (packed === 0) return new Invalid(`${describe(value)} is not a birthday (use ${shown} or YYYY-MM-DD)`);
				return own.format(packed);
			};
			break;
		}
		case 'address':
			convert = convertAddress;
			break;
		case 'phone':
			convert = (value) => {
				const text = toText(value, 50);
				if (text instanceof Invalid) return text;
				return PHONE_RE.test(text) ? text : new Invalid(`${describe(value)} is not a phone number`);
			};
			break;
		case 'url':
		case 'imageurl':
			convert = (value) => {
				const text = toText(value);
				if (text instanceof Invalid) return text;
				return URL_RE.test(text) ? text : new Invalid(`${describe(value)} is not an http(s) URL`);
			};
			break;
		case 'radio':
		case 'dropdown': {
			const choices = new Map<string, string>();
			for (const choice of def.options.choices ?? []) {
				const key = choice.trim().toLowerCase();
				if (!choices.has(key)) choices.set(key, choice);
			}
			const listed = [...choices.values()].slice(0, 10).join(', ') + (choices.size > 10 ? ', ...' : '');
			const choose = (value: unknown): unknown => {
				const text = toText(value);
				if (text instanceof Invalid) return text;
				const choice = choices.get(text.toLowerCase());
				return choice !== undefined ? choice : new Invalid(`${describe(value)} is not one of the choices (${listed})`);
			};
			// A value written exactly as a choice is (the common case) is found without trimming
			// and lower-casing it.
			const asWritten = new Map<string, unknown>();
			for (const choice of def.options.choices ?? []) {
				const chosen = choose(choice);
				if (typeof chosen === 'string') asWritten.set(choice, chosen);
			}
			convert = (value) => {
				const chosen = typeof value === 'string' ? asWritten.get(value) : undefined;
				return chosen !== undefined ? chosen : choose(value);
			};
			break;
		}
		case 'zip':
			convert = (value) => {
				const text = toText(value);
				if (text instanceof Invalid) return text;
				return ZIP_RE.test(text) ? text : new Invalid(`${describe(value)} is not a zip code: Mailchimp takes 5 digits (a US zip code)`);
			};
			break;
		default: // text and any type Mailchimp adds later
			convert = (value) => toText(value);
	}
	return (value: unknown): unknown => {
		if (isEmpty(value)) return required ? new Invalid('is required but empty') : OMIT;
		const result = convert(value);
		if (result === '') return required ? new Invalid('is required but empty') : OMIT;
		return result;
	};
}
