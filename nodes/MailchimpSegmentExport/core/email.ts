// Email identity: trimmed for sending, lower-cased for identity (Mailchimp's subscriber hash is
// the MD5 of the lower-cased address), and checked for syntax before anything is sent.

export const MAX_EMAIL_LENGTH = 254;

// local@domain: no whitespace, quotes, brackets or control characters; no leading, trailing or
// double dot in the local part (checked for non-ASCII first); domain labels of letters (any script), digits and inner
// hyphens; a top-level domain of 2+ letters or punycode.
export const EMAIL_RE =
	/^(?!\.)(?!.*\.\.)[^\s@"(),:;<>[\]\\\p{Cc}]{1,64}(?<!\.)@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

// Mailchimp refuses non-ASCII characters before the @ and accepts them in the domain
// (Mailchimp help, "international characters").
const NON_ASCII_LOCAL_RE = /^[^@]*\P{ASCII}[^@]*@/u;

const NOT_VALID = 'The email address is not valid: expected one @ between a name and a domain, no spaces, e.g. ann@example.com';

/** Printable ASCII characters EMAIL_RE refuses before the @ (besides the dot rules). */
const LOCAL_REFUSED = new Uint8Array(128);
for (const c of '@"(),:;<>[]\\') LOCAL_REFUSED[c.charCodeAt(0)] = 1;

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isLetterOrDigit = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57);

/**
 * EMAIL_RE's answer for an address of ASCII characters only, without the regex (which costs
 * several times as much on every row): 1 when it matches, 0 when not, -1 when the address has
 * a non-ASCII character (the regexes decide then). On ASCII, \s and \p{Cc} are the characters
 * below 0x21 and 0x7f, \p{L} is A-Z and a-z, \p{N} is 0-9.
 */
export function asciiEmailMatch(s: string): number {
	const n = s.length;
	let at = -1;
	for (let i = 0; i < n; i++) {
		const c = s.charCodeAt(i);
		if (c > 0x7f) return -1;
		if (at < 0 && c === 64) at = i;
	}
	// The local part: 1 to 64 allowed characters, no dot first, last or twice in a row.
	if (at < 1 || at > 64 || s.charCodeAt(0) === 46 || s.charCodeAt(at - 1) === 46) return 0;
	for (let i = 0; i < at; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x21 || c === 0x7f || LOCAL_REFUSED[c] === 1) return 0;
		if (c === 46 && s.charCodeAt(i + 1) === 46) return 0;
	}
	// The domain: labels of 1 to 63 letters, digits and inner hyphens, each followed by a dot,
	// then a top-level domain of 2 to 63 letters or xn-- and 1 to 59 of [a-z0-9-].
	let start = at + 1;
	let labels = 0;
	for (let i = start; i < n; i++) {
		const c = s.charCodeAt(i);
		if (c === 46) {
			const len = i - start;
			if (len < 1 || len > 63 || !isLetterOrDigit(s.charCodeAt(start)) || !isLetterOrDigit(s.charCodeAt(i - 1))) return 0;
			labels++;
			start = i + 1;
		} else if (c !== 45 && !isLetterOrDigit(c)) return 0;
	}
	if (labels === 0) return 0;
	const tld = n - start;
	if (tld >= 2 && tld <= 63) {
		let letters = true;
		for (let i = start; i < n && letters; i++) letters = isLetter(s.charCodeAt(i));
		if (letters) return 1;
	}
	if (tld < 5 || tld > 63 || !s.startsWith('xn--', start)) return 0;
	for (let i = start + 4; i < n; i++) {
		const c = s.charCodeAt(i);
		if (!(c === 45 || (c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return 0;
	}
	return 1;
}

/** Why an email value cannot be used, or null when it can. */
export function emailProblem(trimmed: string): string | null {
	if (trimmed === '') return 'The email address is empty';
	if (trimmed.length > MAX_EMAIL_LENGTH) return `The email address is longer than ${MAX_EMAIL_LENGTH} characters`;
	const ascii = asciiEmailMatch(trimmed);
	if (ascii !== -1) return ascii === 1 ? null : NOT_VALID;
	if (NON_ASCII_LOCAL_RE.test(trimmed)) {
		return 'The email address has accented or other non-ASCII characters before the @: Mailchimp does not accept them there (only in the domain)';
	}
	if (!EMAIL_RE.test(trimmed)) return NOT_VALID;
	return null;
}

/** The identity of an address: trimmed and lower-cased. */
export function emailKey(trimmed: string): string {
	return trimmed.toLowerCase();
}
