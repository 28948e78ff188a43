// The address check accepts the common address with a cheaper regex first: it must accept and
// refuse exactly the strings the full rules do, for any string.
import fc from 'fast-check';

import { EMAIL_RE, emailProblem } from '../../../nodes/MailchimpSegmentExport/core/email';

// Characters where the rules change: separators, the dot and hyphen, refused punctuation,
// spaces and controls, letters of both cases (xn--), digits, non-ASCII letters and spaces.
const interesting = fc.constantFrom(
	'a', 'b', 'z', 'A', 'Z', 'x', 'n', 'X', 'N', '0', '9', '.', '.', '-', '-', '@', '@', '+', '_', '!', '~', '`',
	'"', '(', ')', ',', ':', ';', '<', '>', '[', ']', '\\', ' ', '\t', '\n', '\r', '\u000b', '\u007f', '\u0000',
	'é', 'ß', '\u00a0', '\u0085', '\u2028', '١', 'xn--', '.co', 'ann', '@example.com',
);
const shaped = fc
	.tuple(
		fc.array(interesting, { maxLength: 12 }),
		fc.constantFrom('', '@'),
		fc.array(interesting, { maxLength: 12 }),
		fc.constantFrom('', '.', '.co', '.xn--p1ai', '.XN--P1AI', '.c', '.com-', '.a1'),
	)
	.map(([a, at, b, tail]) => a.join('') + at + b.join('') + tail);
const long = fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 66 })).map(
	([local, label, tld]) => `${'a'.repeat(local)}@${'b'.repeat(label)}.${tld > 62 ? `xn--${'c'.repeat(tld - 4)}` : 'd'.repeat(tld)}`,
);
// Mostly well-formed addresses, with a few characters changed.
const part = (chars: string) => fc.array(fc.constantFrom(...chars.split('')), { minLength: 0, maxLength: 8 }).map((a) => a.join(''));
const nearlyValid = fc
	.tuple(part('aZ09._+-'), fc.oneof(fc.constant(''), interesting), part('aZ09._+-'), part('aZ09-.'), fc.oneof(fc.constant(''), interesting), part('aZ09-.'))
	.chain(([l1, c1, l2, d1, c2, d2]) =>
		fc.constantFrom('co', 'com', 'DE', 'xn--p1ai', 'x', '1').map((tld) => `${l1}${c1}${l2}@${d1}${c2}.${d2}.${tld}`),
	);
const anyString = fc.oneof(shaped, nearlyValid, long, fc.string({ maxLength: 30 }), fc.string({ unit: 'binary-ascii', maxLength: 30 }));

const NON_ASCII_LOCAL_RE = /^[^@]*\P{ASCII}[^@]*@/u;

/** The check as the regexes alone make it. */
function byRegex(s: string): string | null {
	if (s === '') return 'The email address is empty';
	if (s.length > 254) return 'The email address is longer than 254 characters';
	if (NON_ASCII_LOCAL_RE.test(s)) return 'The email address has accented or other non-ASCII characters before the @: Mailchimp does not accept them there (only in the domain)';
	if (!EMAIL_RE.test(s)) return 'The email address is not valid: expected one @ between a name and a domain, no spaces, e.g. ann@example.com';
	return null;
}

describe('the address check', () => {
	it('gives the same answer as the regexes for any string', () => {
		fc.assert(
			fc.property(anyString, (s) => {
				expect(emailProblem(s)).toBe(byRegex(s));
			}),
			{ numRuns: 60_000 },
		);
	});

	it.each([
		['a@b.co', 1], ['A.B+c@Sub-1.Example.COM', 1], ['a@b.xn--p1ai', 1], ['a@b.XN--P1AI', 0], ['a@b.xn--', 0],
		['a.@b.co', 0], ['a..b@c.de', 0], ['.a@b.co', 0], ['a@-b.co', 0], ['a@b-.co', 0], ['a@b..co', 0], ['a@b.c', 0],
		['a@b.co.', 0], ['a@b', 0], ['@b.co', 0], ['a@b@c.co', 0], ['a b@c.de', 0], ['a@b.c0', 0], ['a@1.co', 1],
		[`${'a'.repeat(64)}@b.co`, 1], [`${'a'.repeat(65)}@b.co`, 0], [`a@${'b'.repeat(63)}.co`, 1], [`a@${'b'.repeat(64)}.co`, 0],
	])('%s -> %d (as the regex)', (s, want) => {
		expect(EMAIL_RE.test(s) ? 1 : 0).toBe(want);
		expect(emailProblem(s) === null ? 1 : 0).toBe(want);
	});
});
