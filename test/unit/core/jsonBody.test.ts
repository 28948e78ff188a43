// A body serialised while it was built: sent as its text, and still readable as an object.
import fc from 'fast-check';

import { UpsertBatch } from '../../../nodes/MailchimpSegmentExport/core/client';
import { jsonBody, jsonBytesOf, jsonItemsOf } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';
import { MemberJson } from '../../../nodes/MailchimpSegmentExport/core/memberJson';
import { OMIT } from '../../../nodes/MailchimpSegmentExport/core/mergeFields';

describe('jsonBody', () => {
	it('carries its text (as UTF-8 bytes) and item count, and reads as the object the text holds', () => {
		const body = jsonBody('{"members":[{"email_address":"a@example.com"}],"update_existing":true}', ['members', 'update_existing'], 1);
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
	it('makes the body of its members\' JSON when sealed, as JSON.stringify would the whole body', () => {
		const writer = new MemberJson('subscribed', ['FNAME', 'LTV']);
		const batch = new UpsertBatch();
		batch.add(writer.write('Zoë@Example.com', ['Zoë "Z"', 12.5], '["VIP"]'));
		batch.add(writer.write('b@example.com', [OMIT, OMIT], ''));
		batch.seal();
		const body = batch.body();
		expect(batch.size).toBe(2);
		expect(JSON.parse(jsonBytesOf(body)?.toString('utf8') ?? '')).toEqual({
			members: [
				{ email_address: 'Zoë@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Zoë "Z"', LTV: 12.5 }, tags: ['VIP'] },
				{ email_address: 'b@example.com', status_if_new: 'subscribed' },
			],
			update_existing: true,
		});
		expect(jsonItemsOf(body)).toBe(2);
		expect(() => batch.add('{}')).toThrow(/sealed/);
	});
});

describe('MemberJson', () => {
	const value = fc.oneof(
		fc.constant(OMIT),
		fc.string({ unit: 'binary' }),
		fc.double({ noNaN: true, noDefaultInfinity: true }),
		fc.integer(),
		fc.record({ addr1: fc.string(), city: fc.string(), state: fc.string(), zip: fc.string() }),
	);

	it('writes exactly what JSON.stringify writes for the member object', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: 'binary' }),
				fc.constantFrom('subscribed', 'pending', 'transactional'),
				// Merge tags as Mailchimp has them, each mapped once.
				fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,9}$/), value), { maxLength: 6, selector: ([tag]) => tag }),
				fc.option(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
				(email, status, fields, tags) => {
					const writer = new MemberJson(status, fields.map(([tag]) => tag));
					const member: Record<string, unknown> = { email_address: email, status_if_new: status };
					const merge: Record<string, unknown> = {};
					let any = false;
					for (const [tag, v] of fields) {
						if (v === OMIT) continue;
						merge[tag] = v;
						any = true;
					}
					if (any) member.merge_fields = merge;
					if (tags !== undefined) member.tags = tags;
					const written = writer.write(email, fields.map(([, v]) => v), tags === undefined ? '' : JSON.stringify(tags));
					expect(written).toBe(JSON.stringify(member));
				},
			),
			{ numRuns: 2000 },
		);
	});
});
