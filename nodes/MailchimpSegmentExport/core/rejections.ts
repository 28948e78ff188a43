// The catalogue of rejections: every code a row on the Rejected output can carry, what it means
// and what the user can do about it (the README's table mirrors it, checked by a test), and the
// reason texts built for them. A workflow that routes Rejected rows can rely on these codes.

import { MAX_SEGMENTS_PER_ROW, MAX_SEGMENT_NAME_LENGTH } from './options';

/** Our own codes: when a row gets each, and what to do. */
export const REJECT_CODES = {
	MISSING_EMAIL: {
		when: 'The row has no email address: the Email Field is missing or empty.',
		action: 'Fill the address in the source, or point Email Field at the field that holds it.',
	},
	INVALID_EMAIL: {
		when: 'The email address is not text, or not an address Mailchimp accepts.',
		action: 'Correct the address in the source; the reason says what is wrong with it.',
	},
	INVALID_SEGMENT: {
		when: `The segment field holds something that is not a segment name (an object, a name over ${MAX_SEGMENT_NAME_LENGTH} characters or with control characters, a list of over ${MAX_SEGMENTS_PER_ROW.toLocaleString('en-US')}).`,
		action: 'Correct the segment value in the source, or point Segment Field at the right field.',
	},
	INVALID_VALUE: {
		when: 'A mapped value does not fit its merge field (a number field given text, a bad date, a required value empty).',
		action: 'Correct the value named in the reason, or map another field to that merge field.',
	},
	UNREADABLE_ROW: {
		when: 'A file row cannot be read: a CSV row with the wrong number of fields or text after a closing quote, an NDJSON line that is not a JSON object or is too large.',
		action: 'Fix that line of the file (the reason names its row and line) and run the export again.',
	},
	INPUT_CHANGED: {
		when: 'The input changed between the export\'s two reads of it, so the row was not sent.',
		action: 'Run the export again when the input is stable; rows already exported are updated, not duplicated.',
	},
	NOT_IN_AUDIENCE: {
		when: 'Mailchimp accepted the batch but does not hold the member in the audience, for example an archived contact.',
		action: 'Unarchive or restore the contact in Mailchimp, then run the export again.',
	},
	NOT_CONFIRMED: {
		when: 'Mailchimp\'s answer did not mention the member and could not be asked about it afterwards; the Summary says partial.',
		action: 'Run the export again: the member is upserted again, without duplicates.',
	},
	BATCH_FAILED: {
		when: 'The batch holding the row failed for good after its retries (throttling, 5xx, network); the Summary says partial.',
		action: 'Run the export again, or lower Options > Max Concurrency when the account is busy.',
	},
	TAG_FAILED: {
		when: 'The member is in the audience but did not get its segment\'s tag.',
		action: 'Run the export again; the reason quotes Mailchimp\'s answer.',
	},
} as const satisfies Record<string, { when: string; action: string }>;

export type OwnRejectCode = keyof typeof REJECT_CODES;

/** Mailchimp's own `error_code` for a member it refused in a batch (`ERROR_CONTACT_EXISTS`, `ERROR_GENERIC`). */
export type MailchimpRejectCode = `ERROR_${string}`;

/** What Mailchimp's codes mean, for the README's table. */
export const MAILCHIMP_CODES = {
	when: 'Mailchimp refused the member in the batch answer; the code is Mailchimp\'s own (`ERROR_GENERIC` when it gave none), the reason its message.',
	action: 'Act on Mailchimp\'s message, for example a contact in a compliance state or permanently deleted must be handled in Mailchimp.',
} as const;

export type RejectCode = OwnRejectCode | MailchimpRejectCode;

/** Mailchimp's error_code of a refused member, `ERROR_GENERIC` when it gave none. */
export function mailchimpCode(errorCode: string | undefined): MailchimpRejectCode {
	// Passed on as Mailchimp sends it: every code it documents starts with ERROR_.
	return (errorCode ?? 'ERROR_GENERIC') as MailchimpRejectCode;
}

/** The reason texts, by case. */
export const reasons = {
	missingEmail: (path: string) => `No email address: the field "${path}" is missing or empty`,
	emailNotText: (path: string, got: string) => `The email address in "${path}" is not text (got ${got})`,
	emailNotTextAgain: () => 'The email address is not text',
	tooManySegments: (limit: number) => `The segment list has more than ${limit} entries`,
	segmentNotText: (field: string, got: string) => `The segment in "${field}" must be text or a list of texts (got ${got})`,
	segmentNameUnusable: (field: string, length: number, maxLength: number) =>
		`The segment name in "${field}" ${length > maxLength ? `has ${length} characters` : 'has control characters'}: expected 1 to ${maxLength} characters and no control characters`,
	invalidValue: (tag: string, path: string, why: string) => `${tag} (from ${path}) ${why}`,
	inputChanged: () => 'The input changed between the two reads of the export: this row was not sent',
	inputNotFoundAgain: () => 'The input changed between the two reads of the export: this row was not found again and was not sent',
	/** NOT_CONFIRMED: the lookup after an answer that left the member out failed too. */
	notConfirmed: (why: string) => `Mailchimp could not be asked whether it holds this member: ${why}`,
	archived: () => 'The contact is archived in Mailchimp, so it is not in the audience: unarchive it in Mailchimp to export it',
	notInAudience: () => 'Mailchimp does not hold this member in the audience',
	/** TAG_FAILED: `why` is Mailchimp's error, or our own account of what its answer left out. */
	notTagged: (segment: string, why: string) => `In the audience, but not tagged "${segment}": ${why}`,
	notTaggedAbsent: (segment: string, absence: string) => `Not tagged "${segment}": ${absence}`,
	/** A file row that cannot be read (UNREADABLE_ROW): `what` follows "Row 3 (line 5)", with its own ":" or " ". */
	unreadableRow: (row: number, line: number, what: string) => `Row ${row} (line ${line})${what}`,
};
