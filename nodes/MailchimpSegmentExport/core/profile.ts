// One profile -> one member, or the reason it is skipped or rejected. This is where a row is
// rejected before sending: missing or invalid email, an unusable segment value, a merge field
// value that cannot be converted. Compiled once per export; map() allocates nothing on the
// common path (results go into a reusable MappedProfile).

import { emailKey, emailProblem } from './email';
import { ExportError } from './errors';
import { type Converter, Invalid, compileConverter } from './mergeFields';
import { type FieldPath, compilePath } from './path';
import { MAX_SEGMENTS_PER_ROW, MAX_SEGMENT_NAME_LENGTH } from './options';
import { type RejectCode, reasons } from './rejections';
import { detach } from './report';
import { SegmentRegistry } from './segments';
import type { ExportOptions, MergeFieldDefinition } from './types';

export const enum Outcome {
	Ok = 0,
	NoConsent = 1,
	NotInSelectedSegments = 2,
	Rejected = 3,
}

/** The result of mapping one row; reused from row to row. */
export interface MappedProfile {
	/** Trimmed email as given (its identity is emailKey of it). */
	email: string;
	/** Exported segment ids of this row. */
	segments: number[];
	/** Converted values by mapped field (OMIT when not sent). */
	values: unknown[];
	/** When rejected: why, which field, which code. */
	reason: string;
	field: string | undefined;
	code: RejectCode | undefined;
}

interface MappedField {
	tag: string;
	path: FieldPath;
	convert: Converter;
}

// C0 controls, DEL, C1 controls: the Unicode category Cc (see hasControl in mergeFields.ts).
const CONTROL_RE = /\p{Cc}/u;
/** How many distinct segment names (as written in the rows) the mapper remembers as checked. */
const SEGMENT_NAMES_REMEMBERED = 1000;
/** How many distinct segment cells (text as read, e.g. "Loyal,VIP") the mapper remembers the ids of, and up to which length. */
const SEGMENT_CELLS_REMEMBERED = 1000;
const SEGMENT_CELL_REMEMBERED_LENGTH = 200;
const CONSENT_WORDS = new Set(['true', 'yes', 'y', '1']);

export function newMappedProfile(): MappedProfile {
	return { email: '', segments: [], values: [], reason: '', field: undefined, code: undefined };
}

/** True only for an explicit yes: `true`, 1, or the text true/yes/y/1 (CSV). */
export function isConsent(value: unknown): boolean {
	if (value === true) return true;
	if (typeof value === 'number') return value === 1;
	if (typeof value === 'string') {
		return value === 'true' || (value.length <= 5 && (CONSENT_WORDS.has(value) || CONSENT_WORDS.has(value.trim().toLowerCase())));
	}
	return false;
}

function findMergeField(fields: readonly MergeFieldDefinition[], tag: string, from: string): MergeFieldDefinition {
	const wanted = tag.trim().toUpperCase();
	const found = fields.find((f) => f.tag.toUpperCase() === wanted);
	if (found === undefined) {
		const existing = fields.map((f) => f.tag).join(', ') || 'none';
		throw new ExportError(
			`The audience has no merge field ${wanted} (mapped from ${from})`,
			`Map ${from} to one of the audience's merge fields: ${existing}. Or create ${wanted} in Mailchimp first.`,
		);
	}
	return found;
}

/**
 * Mailchimp refuses a new member without a value in each required merge field: an export whose
 * mapping leaves one out would be refused row by row, so it stops before anything is written.
 */
function checkRequiredMapped(fields: readonly MergeFieldDefinition[], mapped: ReadonlySet<string>): void {
	const missing = fields.filter((f) => f.required && !mapped.has(f.tag));
	if (missing.length === 0) return;
	const named = missing.map((f) => (f.name && f.name !== f.tag ? `${f.tag} (${f.name})` : f.tag)).join(', ');
	const plural = missing.length > 1;
	throw new ExportError(
		`The audience requires the merge field${plural ? 's' : ''} ${named}, and the mapping does not fill ${plural ? 'them' : 'it'}`,
		`Nothing was sent: Mailchimp refuses new members without ${plural ? 'these fields' : 'this field'}. Map a profile field to ${missing.map((f) => f.tag).join(', ')} under Attributes, make ${plural ? 'them' : 'it'} optional in the audience's settings in Mailchimp, or turn on the option "Accept Members Missing Required Fields".`,
	);
}

export class ProfileMapper {
	readonly fields: readonly MappedField[];
	/** Segment names as they appear in the rows (trimmed), checked already, with their ids (-1: not exported). */
	private readonly segmentIds = new Map<string, number>();
	/** Segment cells as read (untrimmed), read already without a rejection, with their ids. */
	private readonly cellIds = new Map<string, readonly number[]>();
	/** How many of out.segments belong to the row being read (readSegments). */
	private segmentCount = 0;
	readonly segments: SegmentRegistry;
	private readonly email: FieldPath;
	private readonly consent: FieldPath | undefined;
	private readonly segmentField: FieldPath | undefined;
	private readonly fixedSegment: number;
	private readonly segmentFieldName: string;

	constructor(options: ExportOptions, mergeFields: readonly MergeFieldDefinition[]) {
		this.email = compilePath(options.mapping.email, 'email');
		this.consent =
			options.consentField !== undefined && options.consentField.trim() !== ''
				? compilePath(options.consentField, 'consent')
				: undefined;
		this.segments = new SegmentRegistry(options.selectedSegments);
		const source = options.segmentSource;
		if (source.kind === 'fixed') {
			const name = source.name.trim();
			if (name === '' || name.length > MAX_SEGMENT_NAME_LENGTH || CONTROL_RE.test(name)) {
				throw new ExportError(
					'The segment name is empty, too long or has control characters',
					`Enter a segment name of 1 to ${MAX_SEGMENT_NAME_LENGTH} characters.`,
				);
			}
			this.fixedSegment = this.segments.idOf(name);
			this.segmentField = undefined;
			this.segmentFieldName = '';
		} else {
			this.fixedSegment = -1;
			this.segmentField = compilePath(source.field, 'segment');
			this.segmentFieldName = this.segmentField.path;
		}

		const wanted: Array<{ tag: string; from: string }> = [];
		if (options.mapping.firstName !== undefined && options.mapping.firstName.trim() !== '') {
			wanted.push({ tag: 'FNAME', from: options.mapping.firstName });
		}
		if (options.mapping.lastName !== undefined && options.mapping.lastName.trim() !== '') {
			wanted.push({ tag: 'LNAME', from: options.mapping.lastName });
		}
		for (const a of options.mapping.attributes) wanted.push({ tag: a.mergeField, from: a.sourceField });
		const seen = new Set<string>();
		const fields: MappedField[] = [];
		for (const { tag, from } of wanted) {
			const def = findMergeField(mergeFields, tag, from);
			if (seen.has(def.tag)) {
				throw new ExportError(
					`The merge field ${def.tag} is mapped more than once`,
					`Map each merge field from one profile field only.`,
				);
			}
			seen.add(def.tag);
			const checked = options.skipMergeValidation === true ? { ...def, required: false } : def;
			fields.push({ tag: def.tag, path: compilePath(from, `${def.tag} merge field`), convert: compileConverter(checked) });
		}
		this.fields = fields;
		if (options.skipMergeValidation !== true) checkRequiredMapped(mergeFields, seen);
	}

	private reject(out: MappedProfile, code: RejectCode, reason: string, field: string | undefined): Outcome {
		out.code = code;
		out.reason = reason;
		out.field = field;
		return Outcome.Rejected;
	}

	/**
	 * Reads the row's segment ids into out.segments; false (with a rejection) when unusable. The
	 * list is overwritten in place and then cut to length: emptied with `length = 0`, V8 would
	 * drop its storage and allocate a new one for every row.
	 */
	private readSegments(data: unknown, out: MappedProfile): boolean {
		this.segmentCount = 0;
		const read = this.readSegmentIds(data, out);
		if (out.segments.length !== this.segmentCount) out.segments.length = this.segmentCount;
		return read;
	}

	private readSegmentIds(data: unknown, out: MappedProfile): boolean {
		if (this.segmentField === undefined) {
			if (this.fixedSegment >= 0) this.keepSegment(this.fixedSegment, out);
			return true;
		}
		const value = this.segmentField.read(data);
		if (value === undefined || value === null) return true;
		if (Array.isArray(value)) {
			if (value.length > MAX_SEGMENTS_PER_ROW) {
				this.reject(out, 'INVALID_SEGMENT', reasons.tooManySegments(MAX_SEGMENTS_PER_ROW), this.segmentFieldName);
				return false;
			}
			for (let i = 0; i < value.length; i++) if (!this.addSegment(value[i], out)) return false;
			return true;
		}
		if (typeof value === 'string') return this.readCell(value, out);
		return this.addSegment(value, out);
	}

	/**
	 * A text cell: one name, or several separated by commas. Rows repeat the same few cells, so
	 * the ids of a cell read once are remembered (the names of a cell seen again are known to the
	 * registry already: the ids are the same).
	 */
	private readCell(value: string, out: MappedProfile): boolean {
		const known = this.cellIds.get(value);
		if (known !== undefined) {
			for (let i = 0; i < known.length; i++) this.keepSegment(known[i], out);
			return true;
		}
		// A CSV cell can only carry several segments as text; names cannot hold commas anyway,
		// since the segments to export are selected as a comma-separated list.
		if (value.includes(',')) {
			const names = value.split(',');
			for (let i = 0; i < names.length; i++) if (!this.addSegment(names[i], out)) return false;
		} else if (!this.addSegment(value, out)) return false;
		if (this.cellIds.size < SEGMENT_CELLS_REMEMBERED && value.length <= SEGMENT_CELL_REMEMBERED_LENGTH) {
			this.cellIds.set(detach(value), out.segments.slice(0, this.segmentCount));
		}
		return true;
	}

	private addSegment(value: unknown, out: MappedProfile): boolean {
		if (value === undefined || value === null) return true;
		if (typeof value !== 'string' && typeof value !== 'number') {
			const got = Array.isArray(value) ? 'a list inside the list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
			this.reject(out, 'INVALID_SEGMENT', reasons.segmentNotText(this.segmentFieldName, got), this.segmentFieldName);
			return false;
		}
		const name = typeof value === 'string' ? value.trim() : String(value);
		let id = this.segmentIds.get(name);
		if (id === undefined) {
			if (name === '') return true;
			if (name.length > MAX_SEGMENT_NAME_LENGTH || CONTROL_RE.test(name)) {
				this.reject(out, 'INVALID_SEGMENT', reasons.segmentNameUnusable(this.segmentFieldName, name.length, MAX_SEGMENT_NAME_LENGTH), this.segmentFieldName);
				return false;
			}
			id = this.segments.idOf(name);
			if (this.segmentIds.size < SEGMENT_NAMES_REMEMBERED) this.segmentIds.set(detach(name), id);
		}
		if (id >= 0) this.keepSegment(id, out);
		return true;
	}

	/** Adds a segment id to the ids read so far (the first `segmentCount` of out.segments), once. */
	private keepSegment(id: number, out: MappedProfile): void {
		const segs = out.segments;
		for (let i = 0; i < this.segmentCount; i++) if (segs[i] === id) return;
		segs[this.segmentCount++] = id;
	}

	/**
	 * Maps one profile: consent, segments, email, merge fields, in that order (a profile that is
	 * skipped is not also checked for errors).
	 */
	map(data: unknown, out: MappedProfile): Outcome {
		if (this.consent !== undefined && !isConsent(this.consent.read(data))) return Outcome.NoConsent;
		const rawEmail = this.email.read(data);
		const email = typeof rawEmail === 'string' ? rawEmail.trim() : '';
		out.email = email.length > 320 ? email.slice(0, 320) : email;
		if (!this.readSegments(data, out)) return Outcome.Rejected;
		if (out.segments.length === 0) return Outcome.NotInSelectedSegments;

		if (rawEmail === undefined || rawEmail === null || rawEmail === '') {
			return this.reject(out, 'MISSING_EMAIL', reasons.missingEmail(this.email.path), this.email.path);
		}
		if (typeof rawEmail !== 'string') {
			const got = Array.isArray(rawEmail) ? 'a list' : typeof rawEmail === 'object' ? 'an object' : `the ${typeof rawEmail} ${String(rawEmail)}`;
			return this.reject(out, 'INVALID_EMAIL', reasons.emailNotText(this.email.path, got), this.email.path);
		}
		const problem = emailProblem(email);
		if (problem !== null) return this.reject(out, 'INVALID_EMAIL', problem, this.email.path);
		out.email = email;
		return this.mapValues(data, out);
	}

	/**
	 * Pass 2: maps again a row pass 1 accepted (checked with the fingerprint): consent, segments
	 * and merge fields again, not the email rule, which the same address passed in pass 1.
	 */
	remap(data: unknown, out: MappedProfile): Outcome {
		if (this.consent !== undefined && !isConsent(this.consent.read(data))) return Outcome.NoConsent;
		const rawEmail = this.email.read(data);
		if (typeof rawEmail !== 'string') return this.reject(out, 'INVALID_EMAIL', reasons.emailNotTextAgain(), this.email.path);
		out.email = rawEmail.trim();
		if (!this.readSegments(data, out)) return Outcome.Rejected;
		if (out.segments.length === 0) return Outcome.NotInSelectedSegments;
		return this.mapValues(data, out);
	}

	/** The merge field values into out.values; Rejected naming the first value that cannot be used. */
	private mapValues(data: unknown, out: MappedProfile): Outcome {
		const fields = this.fields;
		const values = out.values;
		if (values.length !== fields.length) values.length = fields.length;
		for (let i = 0; i < fields.length; i++) {
			const f = fields[i];
			const v = f.convert(f.path.read(data));
			if (v instanceof Invalid) {
				return this.reject(out, 'INVALID_VALUE', reasons.invalidValue(f.tag, f.path.path, v.reason), f.tag);
			}
			values[i] = v;
		}
		return Outcome.Ok;
	}

	/** The identity (lower-cased email) of a profile without mapping the rest; '' when unusable. */
	keyOf(data: unknown): string {
		const raw = this.email.read(data);
		return typeof raw === 'string' ? emailKey(raw.trim()) : '';
	}

	/**
	 * A 32-bit fingerprint of the row's identity (its email as written and its segments): pass 2
	 * checks that the row it sends is the one pass 1 planned. The values are left out: hashing
	 * every character of every row is a real share of the export's CPU, and n8n's items and
	 * binary files do not change between the two reads.
	 */
	fingerprint(out: MappedProfile): number {
		let h = fnv(0x811c9dc5, out.email);
		for (let i = 0; i < out.segments.length; i++) h = Math.imul(h ^ (out.segments[i] + 1), 0x01000193);
		return h >>> 0;
	}
}

function fnv(h: number, s: string): number {
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return Math.imul(h ^ 0xff, 0x01000193);
}

