// The export core's public contract. The core imports nothing from n8n: the node passes in
// a request function and a sleep function, and gets back a report.

import type { DryRunChecks } from './checks';
import type { ProgressFn } from './progress';
import type { RejectCode } from './rejections';

export type HttpMethod = 'GET' | 'POST' | 'PUT';

/** One call to the Mailchimp Marketing API. `path` is relative to the API root (`/lists/abc`). */
export interface ApiRequest {
	method: HttpMethod;
	path: string;
	qs?: Record<string, string | number | boolean>;
	body?: unknown;
}

/** Any HTTP answer, 2xx or not. */
export interface ApiResponse {
	status: number;
	body: unknown;
	/** Response headers by lower-case name, when the transport has them (the runner reads Retry-After). */
	headers?: Record<string, unknown>;
}

/**
 * Sends one request with the credential's authentication. Resolves with every HTTP status
 * (4xx and 5xx included); rejects only when no HTTP answer came (connection reset, timeout,
 * DNS), which the runner treats as retryable. `signal` aborts the request: the runner gives each
 * call one of its own (cancel.ts).
 */
export type RequestFn = (request: ApiRequest, signal?: AbortSignal) => Promise<ApiResponse>;

/** Waits `ms`; rejects when `signal` aborts (execute/sleep.ts picks n8n-workflow's helper of this shape). */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

/** One input profile: its position in the input and the n8n item it came from. */
export interface ProfileRow {
	/** 0-based row number: the item index for items, the data row number in its file for files. */
	index: number;
	/** The n8n input item this row came from (for pairedItem). */
	itemIndex: number;
	/** The profile: an item's JSON, or a parsed CSV/NDJSON row. */
	data: unknown;
	/**
	 * Set when the row could not be parsed (a CSV row with the wrong number of fields, an NDJSON
	 * line that is not a JSON object): `data` is undefined and the core reports the row as
	 * rejected with this reason (code `UNREADABLE_ROW`, email empty), counted in profilesIn.
	 */
	error?: string;
}

/**
 * Profiles can be read more than once: the core reads them once to count, validate and
 * de-duplicate, then again to send. Each call must yield the same rows in the same order.
 */
export type ProfileSource = () => AsyncIterable<ProfileRow> | Iterable<ProfileRow>;

/**
 * What an async iterator of rows (or records) may offer besides next(): the next row when it is
 * at hand, without a promise; undefined when next() must be awaited (more input to read, the
 * end, or an error, which next() then reports). A file of a million rows is read in chunks of
 * thousands of rows: one await per chunk instead of one per row.
 */
export interface ReadyRows<T> {
	nextReady(): T | undefined;
}


export interface AttributeMapping {
	/** Mailchimp merge field tag, e.g. `LTV`. */
	mergeField: string;
	/** Field path in the profile, e.g. `stats.ltv`. */
	sourceField: string;
}

export interface FieldMapping {
	/** Field path of the email address (required). */
	email: string;
	/** Field path for FNAME; empty or undefined: not exported. */
	firstName?: string;
	/** Field path for LNAME; empty or undefined: not exported. */
	lastName?: string;
	attributes: AttributeMapping[];
}

export type SegmentSource = { kind: 'field'; field: string } | { kind: 'fixed'; name: string };

export type StatusIfNew = 'subscribed' | 'pending' | 'transactional' | 'audienceDefault';

export interface RetryPolicy {
	/** Tries per request, the first included. */
	maxTries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export interface ExportOptions {
	listId: string;
	mapping: FieldMapping;
	segmentSource: SegmentSource;
	/** Segment names to export; empty: every segment found in the input. */
	selectedSegments: string[];
	statusIfNew: StatusIfNew;
	/** Field path of a consent flag; profiles whose value is not true are skipped. */
	consentField?: string;
	removeMembersWhoLeft: boolean;
	/**
	 * Read the audience's members first and send only what differs from them: members whose
	 * compared merge values and tags are in Mailchimp already get no call at all. Skipped (every
	 * member sent) when reading would take more calls than writing everything.
	 */
	onlySendChanges?: boolean;
	/**
	 * Let Mailchimp add members whose required merge fields have no value (its
	 * `skip_merge_validation`). Off: a required merge field the mapping does not fill stops the
	 * export before anything is written, and a row whose required value is empty is rejected.
	 */
	skipMergeValidation?: boolean;
	dryRun: boolean;
	/** At most this many input profiles; more is an error before anything is written. */
	maxProfiles: number;
	/** Requests in flight at once, 1 to 10. */
	maxConcurrency: number;
	retry?: Partial<RetryPolicy>;
}

export interface ExportDeps {
	request: RequestFn;
	sleep: SleepFn;
	/** Aborts the export: no new request starts, waits end, the export rejects with ExportCancelledError. */
	signal?: AbortSignal;
	/** Milliseconds clock for durationMs; defaults to Date.now. */
	now?: () => number;
	/** Random number in [0, 1) for backoff jitter; defaults to Math.random. */
	random?: () => number;
	/** Told how far a long export has got (see ExportProgress), every so many rows and batches. */
	progress?: ProgressFn;
}

/** Mailchimp merge field types (anything else is treated as text). */
export type MergeFieldType =
	| 'text'
	| 'number'
	| 'address'
	| 'phone'
	| 'date'
	| 'url'
	| 'imageurl'
	| 'radio'
	| 'dropdown'
	| 'birthday'
	| 'zip';

/** One merge field of an audience, as `GET /lists/{id}/merge-fields` describes it. */
export interface MergeFieldDefinition {
	mergeId: number;
	/** Upper case tag, e.g. `FNAME`. */
	tag: string;
	name: string;
	type: MergeFieldType | string;
	required: boolean;
	options: {
		/** e.g. `MM/DD/YYYY`, `DD/MM/YYYY` (date), `MM/DD` (birthday). */
		dateFormat?: string;
		/** radio and dropdown. */
		choices?: string[];
		phoneFormat?: string;
		defaultCountry?: number;
	};
}

export interface Audience {
	id: string;
	name: string;
	memberCount: number;
}

export interface AudiencePage {
	audiences: Audience[];
	/** Audiences in the account (or matching the search). */
	total: number;
}

export interface RejectedRow {
	index: number;
	itemIndex: number;
	email: string;
	reason: string;
	/** The mapped field (profile path or merge tag) the reason is about. */
	field?: string;
	/** Why, as a code of the catalogue (rejections.ts): our own, or Mailchimp's `ERROR_...`. */
	code?: RejectCode;
}

export interface SegmentReport {
	name: string;
	/** The static segment (tag) id; null in a dry run when the tag does not exist yet. */
	tagId: number | null;
	/**
	 * Members tagged by this export (in a dry run: that would be tagged, new or not). A tag the
	 * upsert carried and its answer shows counts here: the answer cannot tell whether it was there before.
	 */
	added: number;
	/** Members who had the tag already, when the export can tell: by the audience read (Only Send Changes) or a tag call's answer. */
	alreadyTagged: number;
	removed: number;
	/** Present when the audience has several tags of this name: which one was used, in words. */
	note?: string;
}

/** Which way "Only Send Changes" went, and why (estimated calls of both ways). */
export interface ChangesReport {
	/** `compared`: the audience was read and only changes sent; `sentAll`: reading would cost more. */
	path: 'compared' | 'sentAll';
	reason: string;
	audienceContacts: number;
	readCalls: number;
	writeCalls: number;
}

export interface ExportSummary {
	profilesIn: number;
	/** created + updated + unchanged. */
	exported: number;
	created: number;
	updated: number;
	/** Members already in Mailchimp as the export has them ("Only Send Changes"): no call was made for them. */
	unchanged: number;
	rejected: number;
	skipped: { noConsent: number; notInSelectedSegments: number; duplicate: number };
	segments: SegmentReport[];
	apiCalls: number;
	retries: number;
	durationMs: number;
	dryRun: boolean;
	/** True when a batch or tag call failed for good: some rows were not exported (see rejected). */
	partial: boolean;
	/** With "Only Send Changes": whether the audience was read, and why. */
	onlySendChanges?: ChangesReport;
	/** Dry run only: which checks were made here, and which only Mailchimp makes when written to. */
	checks?: DryRunChecks;
}

export interface ExportResult {
	summary: ExportSummary;
	rejected: RejectedRow[];
}

/** Exported members, by how: created + updated + unchanged = exported (but in a dry run without the audience read). */
export interface ExportedCounts {
	exported: number;
	created: number;
	updated: number;
	unchanged: number;
}
