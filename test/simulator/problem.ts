// Mailchimp's error shape: an RFC 7807-style problem document.
import { randomUUID } from 'node:crypto';

export const PROBLEM_TYPE = 'https://mailchimp.com/developer/marketing/docs/errors/';

export interface FieldError {
	field: string;
	message: string;
}

export interface ProblemDocument {
	type: string;
	title: string;
	status: number;
	detail: string;
	instance: string;
	errors?: FieldError[];
}

/** Thrown by handlers; the server turns it into a problem document. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly title: string,
		readonly detail: string,
		readonly errors?: FieldError[],
		/** Extra response headers (Retry-After). */
		readonly headers?: Record<string, string>,
	) {
		super(detail);
	}
}

export function problem(error: ApiError): ProblemDocument {
	const doc: ProblemDocument = {
		type: PROBLEM_TYPE,
		title: error.title,
		status: error.status,
		detail: error.detail,
		instance: randomUUID(),
	};
	if (error.errors) doc.errors = error.errors;
	return doc;
}

export const notFound = (): ApiError =>
	new ApiError(404, 'Resource Not Found', 'The requested resource could not be found.');

export const invalidResource = (detail: string, errors?: FieldError[]): ApiError =>
	new ApiError(400, 'Invalid Resource', detail, errors);
