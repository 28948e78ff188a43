// Redaction: the one module that keeps API keys and tokens out of messages, outputs and logs.
// scrubSecrets removes the secrets of a known credential (execute, transport); redact removes
// anything that looks like a key or token (Mailchimp's and the network's words, rejection
// reasons), for the core, which never sees the credential. Pure, no n8n: the data-center
// pattern comes from the connection rules.

import { DATA_CENTER_PATTERN } from '../transport/connection';

// An API key (`<32 hex>-<dc>`) or a bare 32-hex OAuth token, an Authorization header value, the
// user:password part of a URL, a secret in a query string.
const KEY_LIKE = new RegExp(
	String.raw`\b[0-9a-f]{32}(?:-${DATA_CENTER_PATTERN})?\b|\b(?:bearer|oauth|apikey|basic)\s+\S+|\/\/[^\s/?#@]+@|\b(?:access_token|refresh_token|token|apikey|api_key|key|password|secret|client_secret)=[^&\s]+`,
	'gi',
);

/** Text of a Mailchimp problem document (title and detail), without anything key-like. */
export function problemText(body: unknown): string {
	if (body === null || typeof body !== 'object') {
		return typeof body === 'string' && body.trim() !== '' ? redact(body.trim()).slice(0, 200) : '';
	}
	const { title, detail } = body as { title?: unknown; detail?: unknown };
	const parts = [title, detail].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
	// Redact before cutting: a key cut in half at the limit would no longer look like a key.
	return redact(parts.join(': ')).slice(0, 500);
}

/** `text` with anything key-like (see KEY_LIKE) replaced by `[redacted]`: for text whose secrets are not known. */
export function redact(text: string): string {
	return text.replace(KEY_LIKE, '[redacted]');
}

/** The data center at the end of an API key (`-us6`). */
const KEY_DATA_CENTER = new RegExp(`-${DATA_CENTER_PATTERN}$`);

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`. Secrets shorter
 * than 4 characters are ignored (they would redact ordinary words); the parts of an API key
 * (the part before its data center) are redacted too.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
	const needles = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string') continue;
		const trimmed = secret.trim();
		for (const candidate of [secret, trimmed, trimmed.replace(KEY_DATA_CENTER, '')]) {
			if (candidate.length >= 4) needles.add(candidate);
		}
		if (trimmed.length >= 4) {
			needles.add(encodeURIComponent(trimmed));
			needles.add(Buffer.from(`anystring:${trimmed}`).toString('base64'));
		}
	}
	// Longest first, so that a secret containing another is redacted whole.
	let result = text;
	for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
		result = result.split(needle).join('[redacted]');
	}
	return result;
}
