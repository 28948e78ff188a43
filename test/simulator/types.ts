// Public types of the Mailchimp simulator: its options and the shapes its state hands out.

export type MemberStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';

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

export interface MergeFieldSpec {
	tag: string;
	name?: string;
	type: MergeFieldType;
	required?: boolean;
	/** `date_format` for date ('MM/DD/YYYY', 'DD/MM/YYYY', 'YYYY-MM-DD') and birthday ('MM/DD'); `choices` for radio/dropdown. */
	options?: { date_format?: string; choices?: string[]; phone_format?: string };
}

export interface ListSeed {
	id?: string;
	name: string;
	doubleOptin?: boolean;
	/** Added after the default FNAME, LNAME, ADDRESS, PHONE (a field with the same tag replaces the default). */
	mergeFields?: MergeFieldSpec[];
}

export interface MemberSeed {
	email: string;
	status?: MemberStatus;
	mergeFields?: Record<string, unknown>;
	/** In a compliance state: cannot be (re-)subscribed. */
	locked?: boolean;
	tags?: string[];
}

export interface MemberView {
	email_address: string;
	status: MemberStatus;
	merge_fields: Record<string, unknown>;
	tags: string[];
	locked: boolean;
}

export interface TagView {
	id: number;
	name: string;
	memberCount: number;
}

/** Where each request's time goes: fixed cost plus a cost per member in the body. */
export interface LatencyCost {
	fixedMs: number;
	perMemberMs: number;
}

export type LatencyEndpoint = 'upsert' | 'segmentMembers' | 'memberPut' | 'read' | 'memberList';

export interface LatencyOptions extends Partial<Record<LatencyEndpoint, Partial<LatencyCost>>> {
	/** Multiplies every cost (0.02 turns the reference model's 2,300 ms batch into 46 ms). */
	scale?: number;
}

/**
 * Seeded faults, decided per API request in arrival order (`/_sim/` and `/oauth2/` excluded).
 * Each request draws the same number of random numbers whatever happens, so one seed always
 * yields the same faults for the same request order.
 */
export interface FaultOptions {
	/** Share (0..1) of requests answered with one of `errorStatuses` before being processed. */
	errorRate?: number;
	/** Default [500, 502, 503]. */
	errorStatuses?: number[];
	/** Share of requests that are processed, then have their connection destroyed instead of an answer. */
	resetRate?: number;
	/** Share of requests answered `slowMs` later than the latency model says. */
	slowRate?: number;
	/** Default 5000. */
	slowMs?: number;
	/** After `startAfterRequests` API requests, the next `count` are answered `status` (default 429) at once. */
	storm?: { startAfterRequests: number; count: number; status?: 429 | 403 };
}

/**
 * Mailchimp's answers that no public source settles, one switch each, so that the node is
 * tested under every answer (README.md lists each with what is known). Defaults in brackets.
 */
export interface BehaviourOptions {
	/** [true] An existing member whose data did not change is listed in `updated_members`; false: in no list at all. */
	listUnchangedMembers?: boolean;
	/**
	 * ['restore'] What a batch upsert with `status_if_new` alone does to an archived contact:
	 * 'restore' brings it back as a new member; 'stayArchived' leaves it archived and mentions it
	 * nowhere; 'listedAsUpdated' leaves it archived but lists it in `updated_members`.
	 */
	archivedUpsert?: 'restore' | 'stayArchived' | 'listedAsUpdated';
	/** [true] `members_to_add` already carrying the tag are listed in `members_added` and counted in `total_added`. */
	listAlreadyTagged?: boolean;
	/** [false] `members_to_add` not in the audience are reported in `errors[]`; false: ignored silently (API reference). */
	reportUnknownTagEmails?: boolean;
	/** [none] Seconds of a `Retry-After` header on throttling refusals (429 or 403); none is documented. */
	retryAfterSeconds?: number;
	/** ['refuse'] Creating a tag whose name exists: 'refuse' (a 400) or 'duplicate' (a second tag of that name). */
	sameNameTag?: SameNameTag;
	/** ['number'] How a member read answers a number merge field: a JSON number, or 'text' ("42"). */
	numberAnswer?: 'number' | 'text';
	/** ['fieldFormat'] How a member read answers a date merge field: in the field's date_format, or 'iso' (YYYY-MM-DD). */
	dateAnswer?: 'fieldFormat' | 'iso';
	/** ['asSent'] How a member read answers a phone merge field: as sent, or 'usFormat' (10 US digits as 555-123-4567). */
	phoneAnswer?: 'asSent' | 'usFormat';
	/** ['asSent'] How a member read answers an address: the parts sent, or 'allParts' (every part, addr2 '' and country 'US' when not sent). */
	addressAnswer?: 'asSent' | 'allParts';
	/**
	 * ['apply'] What the batch upsert does with its members' `tags` (names; absent from the 3.0.81
	 * definition): 'apply' to every member (Mailchimp's release note of 2022-01-24), 'newOnly' (to
	 * new members only, as before that note), or 'ignore'. The answer shows each member's tags as
	 * they are afterwards.
	 */
	batchTags?: 'apply' | 'newOnly' | 'ignore';
}

export interface SimulatorOptions {
	/** 0 (default): a free port. */
	port?: number;
	/** Default: made up, `<32 hex>-us1`. */
	apiKey?: string;
	/** A bearer token also accepted (and known to /oauth2/metadata). */
	oauthToken?: string;
	/** Seeds faults and demo data. Default 1. */
	seed?: number;
	/** Seed the demo audience. Default false. */
	demo?: boolean;
	/** Members in the demo audience. Default 2000. */
	demoMembers?: number;
	/** Simultaneous requests per credential before refusing. Default 10. */
	maxConnections?: number;
	/** Status of the over-limit refusal. Default 429. */
	throttleStatus?: 429 | 403;
	/** 'none' (default), 'reference' (see latency.ts), or costs per endpoint. */
	latency?: 'none' | 'reference' | LatencyOptions;
	faults?: FaultOptions;
	/** Switches for what no public source settles (see BehaviourOptions). */
	behaviour?: BehaviourOptions;
	/** Validate request bodies against the API definition. Default true. */
	validate?: boolean;
	/**
	 * `fields`/`exclude_fields` on POST answers (the batch upsert, tag member changes): Mailchimp
	 * documents them for reads only. 'honour' (default) filters POST answers as GET answers are
	 * filtered; 'ignore' answers in full.
	 */
	fieldsOnPost?: 'honour' | 'ignore';
	/** When `requestLog` grows past this, its older half is dropped. Default 200,000. */
	requestLogLimit?: number;
	/**
	 * Serve HTTPS with this key and certificate (PEM), as Mailchimp does: a client then pays a TLS
	 * handshake for each new connection. Default: plain HTTP.
	 */
	tls?: { key: string; cert: string };
}

export type SameNameTag = 'refuse' | 'duplicate';

export interface RequestLogEntry {
	method: string;
	path: string;
	/** 0 when the connection was reset instead of answered. */
	status: number;
	/** Members in the body, for batch and segment calls. */
	members?: number;
	/** Tags the batch upsert gave its members (their `tags`, when applied). */
	tagged?: number;
	/** Date.now() when the request arrived. */
	at: number;
	/** Milliseconds until answered. */
	ms: number;
}

export interface SimulatorCounters {
	requests: number;
	byEndpoint: Record<string, number>;
	/** Refusals over the connection limit (429 or 403). */
	throttled: number;
	faults: { errors: number; resets: number; slow: number; storm: number };
}
