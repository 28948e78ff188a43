// A body serialised while it was built: sent as its text, and still readable as an object.
import fc from 'fast-check';

import { UpsertBatch } from '../../../nodes/MailchimpSegmentExport/core/client';
import { jsonBody, jsonBytesOf, jsonItemsOf } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';

describe('jsonBody', () => {
	it('carries its text (as UTF-8 bytes) and item count, and reads as the object the text holds', () => {
		const body = jsonBody(Buffer.from('{"members":[{"email_address":"a@example.com"}],"update_existing":true}'), ['members', 'update_existing'], 1);
		expect(jsonBytesOf(body)?.toString('utf8')).toBe('{"members":[{"email_address":"a@example.com"}],"update_existing":true}');
		expect(jsonItemsOf(body)).toBe(1);
		expect(Object.keys(body)).toEqual(['members', 'update_existing']);
		expect(JSON.parse(JSON.stringify(body))).toEqual({ members: [{ email_address: 'a@example.com' }], update_existing: true });
	});

	it('is undefined for any other body', () => {
		expect(jsonBytesOf({ members: [] })).toBeUndefined();
		expect(jsonItemsOf(undefined)).toBeUndefined();
	});
});

describe('UpsertBatch', () => {
	it('serialises its members when sealed, as JSON.stringify would the whole body', () => {
		const members = [
			{ email_address: 'Zoë@Example.com', status_if_new: 'subscribed' as const, merge_fields: { FNAME: 'Zoë "Z"', LTV: 12.5 } },
			{ email_address: 'b@example.com', status_if_new: 'pending' as const },
		];
		const batch = new UpsertBatch();
		for (const m of members) batch.add(m);
		batch.seal();
		members[0].merge_fields!.FNAME = 'changed after sealing';
		const body = batch.body();
		expect(batch.size).toBe(2);
		expect(JSON.parse(jsonBytesOf(body)?.toString('utf8') ?? '')).toEqual({
			members: [
				{ email_address: 'Zoë@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Zoë "Z"', LTV: 12.5 } },
				{ email_address: 'b@example.com', status_if_new: 'pending' },
			],
			update_existing: true,
		});
		expect(jsonItemsOf(body)).toBe(2);
		expect(() => batch.add(members[1])).toThrow(/sealed/);
	});

	it('writes any members, however many and however long, as JSON.stringify would the whole body', () => {
		// Up to 4 groups of members written together, values of 1- to 4-byte characters, and bodies past the first buffer (128 KiB).
		const text = fc
			.tuple(fc.array(fc.constantFrom('a', '"', 'ü', '€', '😀', '\u0007', '\\'), { maxLength: 8 }), fc.nat({ max: 60 }))
			.map(([parts, times]) => parts.join('').repeat(times));
		const member = fc.record(
			{
				email_address: text,
				status_if_new: fc.constantFrom('subscribed' as const, 'pending' as const),
				merge_fields: fc.dictionary(fc.constantFrom('FNAME', 'LNAME', 'LTV'), fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }))),
				tags: fc.array(text, { maxLength: 3 }),
			},
			{ requiredKeys: ['email_address', 'status_if_new'] },
		);
		fc.assert(
			fc.property(fc.array(member, { maxLength: 200, size: 'max' }), (members) => {
				const batch = new UpsertBatch();
				for (const m of members) batch.add(m);
				const bytes = jsonBytesOf(batch.body())!;
				expect(bytes.toString('utf8')).toBe(JSON.stringify({ members, update_existing: true }));
				expect(members.map((_, i) => batch.emailAt(i))).toEqual(members.map((m) => m.email_address));
			}),
			// Shrinking hundreds of long members takes minutes: a failure is reported as found.
			{ numRuns: 150, endOnFailure: true },
		);
	});

	it('reads each member\'s email back from its text, whatever the other values hold', () => {
		const emails = ['Ann@Example.com', 'zoë@bücher.example', 'odd\\"quote@example.com', 'b@example.com', ''];
		const batch = new UpsertBatch();
		emails.forEach((email, i) =>
			batch.add({
				email_address: email,
				status_if_new: 'subscribed',
				// A merge field named like the member's key, in an object of its own.
				merge_fields: i === 2 ? { email_address: 'merge@example.com', ADDR: { addr1: '{"email_address":"x"' } } : { FNAME: i === 0 ? '{"email_address":"fake@example.com"}' : 'Zoë "Z"' },
				tags: i === 3 ? ['{"email_address":"tag@example.com"', '"email_address":"'] : undefined,
			}),
		);
		batch.seal();
		expect(emails.map((_, i) => batch.emailAt(i))).toEqual(emails);
		expect(emails.map((email, i) => batch.hasEmail(i, email))).toEqual([true, true, true, true, true]);
		// As sent, not as a lookup would compare them: another case, a prefix, a longer one.
		expect(batch.hasEmail(0, 'ann@example.com')).toBe(false);
		expect(batch.hasEmail(0, 'Ann@Example.co')).toBe(false);
		expect(batch.hasEmail(3, 'b@example.com ')).toBe(false);
		expect(batch.hasEmail(1, 'zoe@bücher.example')).toBe(false);
		expect(batch.hasEmail(2, 'odd"quote@example.com')).toBe(false);
		expect(batch.hasEmail(4, 'x')).toBe(false);
	});
});
