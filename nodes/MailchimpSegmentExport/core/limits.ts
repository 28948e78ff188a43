// The limits and defaults of the export's options: the one place the node's panel, the parameter
// reader, the option check and the client take them from.

export interface NumberLimit {
	min: number;
	max: number;
	default: number;
}

// The defaults are constants of their own as well: n8n's lint wants a parameter's default to be
// a plain name or value, not a property.
export const DEFAULT_MAX_PROFILES = 1_000_000;
export const DEFAULT_MAX_CONCURRENCY = 10;

/** Profiles in one export; more is an error before anything is written. */
export const MAX_PROFILES: NumberLimit = { min: 1, max: 100_000_000, default: DEFAULT_MAX_PROFILES };

/** Requests in flight at once: Mailchimp allows 10 simultaneous connections per account. */
export const MAX_CONCURRENCY: NumberLimit = { min: 1, max: 10, default: DEFAULT_MAX_CONCURRENCY };

/** A Mailchimp audience (list) id: letters and digits (Mailchimp's are 10 hex digits), `_` or `-`. */
export const LIST_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const LIST_ID_RE = new RegExp(LIST_ID_PATTERN);
