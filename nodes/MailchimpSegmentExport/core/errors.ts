// Export-level errors: thrown when the export as a whole cannot go on. Row-level problems are
// never thrown: they are RejectedRow values (see report.ts).

import type { ExportResult } from './types';

/** The export stopped (or never started) for a reason a person can act on. */
export class ExportError extends Error {
	/** What to do about it, in words; never contains a key or token. */
	readonly description: string;
	/** HTTP status of the Mailchimp answer behind the error, when there was one. */
	readonly httpStatus?: number;

	constructor(message: string, description: string, httpStatus?: number) {
		super(message);
		this.name = 'ExportError';
		this.description = description;
		this.httpStatus = httpStatus;
	}
}

/** The export was cancelled through its AbortSignal. `partial` is what was done until then. */
export class ExportCancelledError extends Error {
	partial?: ExportResult;

	constructor(message = 'The export was cancelled') {
		super(message);
		this.name = 'ExportCancelledError';
	}
}

/** A request that failed for good after its retries (network errors, 429, 5xx). Internal. */
export class RequestFailedError extends Error {
	readonly httpStatus?: number;

	constructor(message: string, httpStatus?: number) {
		super(message);
		this.name = 'RequestFailedError';
		this.httpStatus = httpStatus;
	}
}
