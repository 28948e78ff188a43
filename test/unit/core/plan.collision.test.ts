// The member index keeps 64-bit hashes, not emails: two different people whose emails share a
// hash must never be merged. The hash is forced to collide here (every email hashes alike).
import { sleepWithAbort } from 'n8n-workflow';

import { type ProfileRow, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { memberHash } from '../../../nodes/MailchimpSegmentExport/core/hashTable';
import { MemberIndex } from '../../../nodes/MailchimpSegmentExport/core/plan';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import { checkInvariant, options, rowsOf } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
	jest.restoreAllMocks();
	await sim?.stop();
	sim = undefined;
});

function collideAll(): void {
	const seven = (_key: string, out: Uint32Array): void => {
		out[0] = 7;
		out[1] = 7;
	};
	jest.spyOn(memberHash, 'of').mockImplementation(seven);
	jest.spyOn(memberHash, 'ofEmail').mockImplementation(seven);
}

async function exportRows(data: unknown[] | (() => ProfileRow[])) {
	sim = await start({ port: 0 });
	const listId = sim.state.addList({ name: 'Customers' });
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	const source = typeof data === 'function' ? data : rowsOf(data);
	const result = await runExport(source, options({ listId }), { request, sleep: sleepWithAbort });
	const tags = (name: string) => sim!.state.tagMembers(listId, name).sort();
	return { ...result, listId, tags, sim };
}

describe('MemberIndex with colliding hashes', () => {
	it('tells people apart by email once a member has been seen twice', () => {
		collideAll();
		const index = new MemberIndex(1);
		expect(index.add('a@example.com', 0, 0, 0, 1, [0])).toBe(false);
		expect(index.add('b@example.com', 1, 1, 1, 2, [1])).toBe(true); // the first row is not verified yet
		expect(index.add('c@example.com', 2, 2, 2, 3, [2])).toBe(false);
		expect(index.add('b@example.com', 3, 3, 3, 4, [1])).toBe(true);
		expect(index.add('d@example.com', 4, 4, 4, 5, [0])).toBe(false); // grows the index
		// a and b share member 0 until pass 2 checks a's row (resolveFirstRow).
		expect(index.size).toBe(3);
		expect(index.find('c@example.com')).toBe(1);
		expect(index.find('b@example.com')).toBe(0);
		expect(index.rowIndex[index.find('b@example.com')]).toBe(3);
		expect(index.emailOf(index.find('d@example.com'))).toBe('d@example.com');
		// Pass 2 finds each row's member by its place; a's row is the one to compare.
		expect([0, 1, 2, 3, 4, 5].map((place) => index.memberAt(place))).toEqual([0, 0, 1, 0, 2, -1]);
		expect(index.isUnverifiedFirstRow(0, 0, 0)).toBe(true);
		expect(index.isUnverifiedFirstRow(0, 1, 1)).toBe(false);
		expect(index.isUnverifiedFirstRow(1, 2, 2)).toBe(false);
	});

	it('finds a row by its place in the read, not by its row number, which restarts in each file', () => {
		const index = new MemberIndex(1);
		index.add('a@example.com', 0, 0, 0, 1, [0]);
		index.add('b@example.com', 1, 1, 0, 2, [0]);
		index.add('c@example.com', 2, 0, 1, 3, [0]);
		index.add('a@example.com', 2000, 1, 1, 4, [0]);
		expect([0, 1, 2, 3, 1999, 2000, 2001, 5000].map((place) => index.memberAt(place))).toEqual([0, 1, 2, -1, -1, 0, -1, -1]);
		expect([index.rowIndex[0], index.itemOf(0)]).toEqual([1, 1]);
	});

	it('the first row, checked in pass 2, becomes a member of its own when its email differs', () => {
		collideAll();
		const index = new MemberIndex();
		index.add('a@example.com', 0, 0, 0, 11, [0]);
		index.add('b@example.com', 1, 1, 1, 22, [1]);
		const split = index.resolveFirstRow('a@example.com', 0, 0);
		expect(split).toBe(1);
		expect([index.rowIndex[split], index.fingerprint[split], index.segmentsOf(split, [])]).toEqual([0, 11, [0]]);
		expect(index.segmentsOf(0, [])).toEqual([1]);
		// Not the first row, or the same email: a duplicate.
		expect(index.resolveFirstRow('b@example.com', 1, 1)).toBe(-1);
		expect(index.resolveFirstRow('a@example.com', 0, 0)).toBe(-1);
	});
});

describe('an export whose emails all share one hash', () => {
	it('a person seen once, first, then another seen twice: both exported, each with its own tags', async () => {
		collideAll();
		const { summary, rejected, tags, sim } = await exportRows([
			{ email: 'first@example.com', first: 'Fay', segment: 'a' },
			{ email: 'twice@example.com', first: 'Tom', segment: 'b' },
			{ email: 'TWICE@example.com', first: 'Tom2', segment: 'b' },
		]);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ profilesIn: 3, exported: 2, created: 2, skipped: { duplicate: 1, noConsent: 0, notInSelectedSegments: 0 } });
		expect(tags('a')).toEqual(['first@example.com']);
		expect(tags('b')).toEqual(['twice@example.com']);
		expect(sim.state.member(summaryList(sim), 'first@example.com')).toMatchObject({ merge_fields: { FNAME: 'Fay' } });
		expect(sim.state.member(summaryList(sim), 'twice@example.com')).toMatchObject({ merge_fields: { FNAME: 'Tom2' } });
		checkInvariant(summary);
	});

	it('a person whose first row comes before another person\'s rows and who comes back later', async () => {
		collideAll();
		const { summary, rejected, tags } = await exportRows([
			{ email: 'ann@example.com', segment: 'a' },
			{ email: 'bob@example.com', segment: 'b' },
			{ email: 'ann@example.com', segment: 'c' },
			{ email: 'bob@example.com', segment: 'b' },
		]);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ profilesIn: 4, exported: 2, skipped: { duplicate: 2, noConsent: 0, notInSelectedSegments: 0 } });
		expect(tags('a')).toEqual(['ann@example.com']);
		expect(tags('b')).toEqual(['bob@example.com']);
		expect(tags('c')).toEqual(['ann@example.com']);
		checkInvariant(summary);
	});

	it('many different people and rows the export skips or rejects: nobody merged, counts add up', async () => {
		collideAll();
		const data = [
			...Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@example.com`, segment: i % 2 ? 'odd' : 'even' })),
			{ email: 'p3@example.com', segment: 'odd' },
			{ email: 'nobody', segment: 'odd' },
			{ email: 'p31@example.com', segment: '' },
		];
		const { summary, rejected, tags } = await exportRows(data);
		expect(summary).toMatchObject({ profilesIn: 33, exported: 30, rejected: 1, skipped: { duplicate: 1, noConsent: 0, notInSelectedSegments: 1 } });
		expect(rejected).toEqual([expect.objectContaining({ index: 31, code: 'INVALID_EMAIL' })]);
		expect(tags('odd')).toHaveLength(15);
		expect(tags('even')).toHaveLength(15);
		checkInvariant(summary);
	});
});

function summaryList(s: Simulator): string {
	return [...s.state.lists.keys()][0];
}
