// Email identity: trimmed for sending, lower-cased for identity (Mailchimp's subscriber hash is
// the MD5 of the lower-cased address), and checked for syntax before anything is sent.

export const MAX_EMAIL_LENGTH = 254;

// local@domain: no whitespace, quotes, brackets or control characters; no leading, trailing or
// double dot in the local part (checked for non-ASCII first); domain labels of letters (any script), digits and inner
// hyphens; a top-level domain of 2+ letters or punycode.
const EMAIL_RE =
	/^(?!\.)(?!.*\.\.)[^\s@"(),:;<>[\]\\\p{Cc}]{1,64}(?<!\.)@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

// Mailchimp refuses non-ASCII characters before the @ and accepts them in the domain
// (Mailchimp help, "international characters").
const NON_ASCII_LOCAL_RE = /^[^@]*\P{ASCII}[^@]*@/u;

/** Why an email value cannot be used, or null when it can. */
export function emailProblem(trimmed: string): string | null {
	if (trimmed === '') return 'The email address is empty';
	if (trimmed.length > MAX_EMAIL_LENGTH) return `The email address is longer than ${MAX_EMAIL_LENGTH} characters`;
	if (NON_ASCII_LOCAL_RE.test(trimmed)) {
		return 'The email address has accented or other non-ASCII characters before the @: Mailchimp does not accept them there (only in the domain)';
	}
	if (!EMAIL_RE.test(trimmed)) {
		return 'The email address is not valid: expected one @ between a name and a domain, no spaces, e.g. ann@example.com';
	}
	return null;
}

/** The identity of an address: trimmed and lower-cased. */
export function emailKey(trimmed: string): string {
	return trimmed.toLowerCase();
}
