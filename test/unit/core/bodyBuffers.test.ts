// Batch bodies written into reused memory: each body's bytes are exactly its text, a body in use
// is never written over, and memory given back is what the next body is written into.
import fc from 'fast-check';

import { BodyBuffers, BodyWriter } from '../../../nodes/MailchimpSegmentExport/core/bodyBuffers';
import { UpsertBatch } from '../../../nodes/MailchimpSegmentExport/core/client';
import { jsonBytesOf } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';

describe('BodyBuffers', () => {
	it('never hands out memory in use, and reuses what was given back when it is large enough', () => {
		const buffers = new BodyBuffers();
		const a = buffers.take(1000);
		const b = buffers.take(1000);
		expect(a.length).toBeGreaterThanOrEqual(1000);
		expect(a.buffer).not.toBe(b.buffer);
		buffers.release(a.subarray(0, 10));
		expect(buffers.spare).toBe(1);
		const c = buffers.take(900);
		expect(c.buffer).toBe(a.buffer);
		expect(c.length).toBe(a.length);
		expect(buffers.spare).toBe(0);
		// Too small for a body twice as long: fresh memory, the small buffer kept for later.
		buffers.release(c);
		const d = buffers.take(2 * a.length);
		expect(d.buffer).not.toBe(a.buffer);
		expect(d.length).toBeGreaterThanOrEqual(2 * a.length);
		expect(buffers.spare).toBe(1);
	});

	it('makes new memory with room for the longest body given back', () => {
		const buffers = new BodyBuffers();
		const first = buffers.take(0);
		buffers.release(Buffer.alloc(4 * first.length));
		buffers.take(0);
		expect(buffers.take(0).length).toBeGreaterThan(4 * first.length);
	});
});

describe('BodyWriter', () => {
	it('writes any pieces of text as their UTF-8 bytes, moving them into larger memory as it fills', () => {
		// Characters of 1 to 4 bytes, and pieces long enough to fill the first buffer (128 KiB).
		const piece = fc
			.tuple(fc.array(fc.constantFrom('a', '"', 'é', 'ł', '€', '😀', '\u0000', '\\'), { maxLength: 40 }), fc.nat({ max: 3000 }))
			.map(([parts, times]) => parts.join('').repeat(times));
		fc.assert(
			fc.property(fc.array(piece, { maxLength: 12, size: 'max' }), (pieces) => {
				const buffers = new BodyBuffers();
				const writer = new BodyWriter(buffers);
				for (const p of pieces) writer.write(p);
				expect(writer.bytes().equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
			}),
			{ numRuns: 100 },
		);
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
