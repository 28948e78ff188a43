// The converters' shortcuts (scans instead of regexes, a choice found as written, an ISO date
// sent as read) give the answers of the plain rules for any value.
import fc from 'fast-check';

import { Invalid, OMIT, compileConverter, parseDecimal, toText } from '../../../nodes/MailchimpSegmentExport/core/mergeFields';
import { field } from './helpers';

const RUNS = { numRuns: 20_000 };
/** The plain rule of a number's text, which the scan replaces. */
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

describe('converter shortcuts', () => {
	it('the number scan reads exactly what NUMBER_RE accepts, as Number does', () => {
		const numberish = fc.array(fc.constantFrom(...'0123456789+-.eE x'.split('')), { maxLength: 10 }).map((a) => a.join(''));
		const decimal = fc
			.tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{0,12}$/), fc.constantFrom('', '.'), fc.stringMatching(/^\d{0,12}$/))
			.map((parts) => parts.join(''));
		const written = fc.oneof(fc.double(), fc.integer()).map((x) => String(x));
		const fixed = fc.tuple(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 9 })).map(([x, d]) => x.toFixed(d));
		fc.assert(
			fc.property(fc.oneof(numberish, decimal, written, fixed, fc.string({ maxLength: 10 })), (s) => {
				expect(parseDecimal(s)).toBe(NUMBER_RE.test(s) ? Number(s) : NaN);
			}),
			{ numRuns: 100_000 },
		);
	});

	it('text refuses exactly the values with a Cc character other than tab, line feed and carriage return', () => {
		const CC_RE = /[^\P{Cc}\t\n\r]/u;
		const textish = fc.oneof(fc.string({ maxLength: 20, unit: 'grapheme' }), fc.string({ maxLength: 20, unit: 'binary' }), fc.string({ maxLength: 20 }));
		fc.assert(
			fc.property(textish, (s) => {
				const got = toText(s);
				expect(got instanceof Invalid && got.reason === 'contains control characters').toBe(CC_RE.test(s.trim()));
			}),
			RUNS,
		);
	});

	it('a YYYY-MM-DD field sends a valid ISO date as read and refuses a date that does not exist', () => {
		const iso = compileConverter(field('D', 'date', { dateFormat: 'YYYY-MM-DD' }));
		const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: n, maxLength: n }).map((a) => a.join(''));
		const shaped = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
		const near = fc.tuple(fc.integer({ min: 0, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
			([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
		);
		fc.assert(
			fc.property(fc.oneof(shaped, near), (s) => {
				const [y, m, d] = s.split('-').map(Number);
				const date = new Date(Date.UTC(2000, m - 1, d));
				date.setUTCFullYear(y);
				const exists = y >= 1 && m >= 1 && m <= 12 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
				const got = iso(s);
				if (exists) expect(got).toBe(s);
				else expect(got).toBeInstanceOf(Invalid);
			}),
			RUNS,
		);
	});

	it('a dropdown gives the first choice with the same trimmed, lower-cased text', () => {
		const words = ['Gold', 'gold', ' Gold', 'GOLD ', 'Silver', 'silver', 'Bronze ', '', ' ', 'Zoë', 'ZOË', 'a\u0001'];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...words), { maxLength: 6 }), fc.constantFrom(...words, 'x', ' silver '), (choices, value) => {
				const got = compileConverter(field('C', 'dropdown', { choices }))(value);
				const key = value.trim().toLowerCase();
				const first = choices.find((c) => c.trim().toLowerCase() === key);
				if (value.trim() === '') expect(got).toBe(OMIT);
				else if (/\p{Cc}/u.test(value) || first === undefined) expect(got).toBeInstanceOf(Invalid);
				else expect(got).toBe(first);
			}),
			RUNS,
		);
	});
});
