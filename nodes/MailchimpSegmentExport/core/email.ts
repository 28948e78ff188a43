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

// The common address, a subset of what EMAIL_RE accepts, matched at about half its cost (no
// lookarounds, no Unicode classes): dot-separated runs of the printable ASCII characters EMAIL_RE
// allows before the @ (its local part up to 64 characters is checked apart), ASCII labels, a
// top-level domain of ASCII letters. Anything else goes to the full rules.
const COMMON_EMAIL_RE = /^[!#-'*+\-/0-9=?A-Z^-~]+(?:\.[!#-'*+\-/0-9=?A-Z^-~]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Why an email value cannot be used, or null when it can. */
export function emailProblem(trimmed: string): string | null {
	if (trimmed === '') return 'The email address is empty';
	if (trimmed.length > MAX_EMAIL_LENGTH) return `The email address is longer than ${MAX_EMAIL_LENGTH} characters`;
	if (COMMON_EMAIL_RE.test(trimmed) && trimmed.indexOf('@') <= 64) return null;
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
