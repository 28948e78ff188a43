// Batch bodies written into reused memory: each body's bytes are exactly its text, a body in use
// is never written over, and memory given back is what the next body is written into.
import fc from 'fast-check';

import { BodyBuffers } from '../../../nodes/MailchimpSegmentExport/core/bodyBuffers';
import { UpsertBatch } from '../../../nodes/MailchimpSegmentExport/core/client';
import { jsonBytesOf } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';

describe('BodyBuffers', () => {
	it('writes any text as its UTF-8 bytes, into fresh or reused memory', () => {
		const buffers = new BodyBuffers();
		// Characters of 1 to 4 bytes, so that a reused buffer is sometimes too small for a text of its length.
		const text = fc.array(fc.constantFrom('a', '"', 'é', 'ł', '€', '😀', '\u0000', '\\'), { maxLength: 400 }).map((parts) => parts.join(''));
		fc.assert(
			fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (texts) => {
				const held = texts.map((t) => buffers.encode(t));
				held.forEach((bytes, i) => expect(bytes.equals(Buffer.from(texts[i], 'utf8'))).toBe(true));
				for (const bytes of held) buffers.release(bytes);
			}),
			{ numRuns: 300 },
		);
	});

	it('never hands out memory in use, and reuses what was given back', () => {
		const buffers = new BodyBuffers();
		const a = buffers.encode('a'.repeat(1000));
		const b = buffers.encode('b'.repeat(1000));
		expect(a.buffer).not.toBe(b.buffer);
		buffers.release(a);
		expect(buffers.spare).toBe(1);
		const c = buffers.encode('c'.repeat(900));
		expect(c.buffer).toBe(a.buffer);
		expect(buffers.spare).toBe(0);
		expect(b.toString()).toBe('b'.repeat(1000));
		expect(c.toString()).toBe('c'.repeat(900));
		// Too small for a text twice as long: fresh memory, the small buffer kept for later.
		buffers.release(c);
		const d = buffers.encode('d'.repeat(2000));
		expect(d.buffer).not.toBe(a.buffer);
		expect(buffers.spare).toBe(1);
		expect(d.toString()).toBe('d'.repeat(2000));
	});
});

describe('UpsertBatch with body buffers', () => {
	const member = (email: string) => ({ email_address: email, status_if_new: 'subscribed' as const, merge_fields: { FNAME: 'Zoë' } });

	it('gives its bytes back once released, and refuses to be read afterwards', () => {
		const buffers = new BodyBuffers();
		const first = new UpsertBatch(buffers);
		first.add(member('a@example.com'));
		const body = first.body();
		const bytes = jsonBytesOf(body)!;
		expect(JSON.parse(bytes.toString('utf8'))).toEqual({ members: [member('a@example.com')], update_existing: true });
		expect(first.emailAt(0)).toBe('a@example.com');

		first.release();
		expect(buffers.spare).toBe(1);
		expect(() => jsonBytesOf(body)).toThrow(/after its request settled/);
		expect(() => first.emailAt(0)).toThrow(/after its request settled/);
		expect(() => JSON.stringify(body)).toThrow(/after its request settled/);
		first.release();
		expect(buffers.spare).toBe(1);

		const second = new UpsertBatch(buffers);
		second.add(member('b@example.com'));
		expect(jsonBytesOf(second.body())!.buffer).toBe(bytes.buffer);
		expect(second.hasEmail(0, 'b@example.com')).toBe(true);
	});

	it('without body buffers, releasing only ends reading', () => {
		const batch = new UpsertBatch();
		batch.add(member('a@example.com'));
		const body = batch.body();
		batch.release();
		expect(() => jsonBytesOf(body)).toThrow(/after its request settled/);
	});
});
