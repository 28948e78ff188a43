// MemberIndex's storage that starts small: the items array, made only when a row comes from an
// item other than the first, and the segment bits, 8 wide until a segment id needs more.
import { MemberIndex } from '../../../nodes/MailchimpSegmentExport/core/plan';

const address = (i: number): string => `person${i}@example.com`;

describe('MemberIndex storage', () => {
	it("keeps each member's item once a row comes from a later item, across growth", () => {
		const index = new MemberIndex(2);
		for (let i = 0; i < 5; i++) index.add(address(i), i, i, 0, i, [0]);
		// Item 3 first shows up after the index has grown twice.
		for (let i = 5; i < 9; i++) index.add(address(i), i, i - 5, 3, i, [0]);
		// A later row of member 6, from item 0, wins: its item is 0 again. One of member 1, from item 2.
		index.add(address(6), 9, 7, 0, 6, [0]);
		index.add(address(1), 10, 8, 2, 1, [0]);
		expect(Array.from({ length: index.size }, (_, ord) => index.itemOf(ord))).toEqual([0, 2, 0, 0, 0, 3, 0, 3, 3]);
		expect(index.isUnverifiedFirstRow(index.find(address(6)), 1, 3)).toBe(true);
		expect(index.isUnverifiedFirstRow(index.find(address(1)), 1, 0)).toBe(true);
		expect(index.isUnverifiedFirstRow(index.find(address(1)), 1, 3)).toBe(false);
	});

	it("keeps every member's segments as the ids grow past 8, 16 and 32 bits, across growth", () => {
		const index = new MemberIndex(2);
		const segmentsOfMember = [[0, 7], [3], [7, 12], [15], [0, 16, 31], [31, 32, 40], [5]];
		segmentsOfMember.forEach((segments, i) => index.add(address(i), i, i, 0, i, segments));
		// A later row unites its segments with the member's, in a wider array than its first row's.
		index.add(address(1), 7, 7, 0, 1, [20]);
		const expected = [[0, 7], [3, 20], [7, 12], [15], [0, 16, 31], [31, 32, 40], [5]];
		expect(segmentsOfMember.map((_, i) => index.segmentsOf(index.find(address(i)), []))).toEqual(expected);
		expect(index.hasSegment(index.find(address(2)), 12)).toBe(true);
		expect(index.hasSegment(index.find(address(2)), 13)).toBe(false);
		expect(index.hasSegment(index.find(address(4)), 31)).toBe(true);
		expect(index.hasSegment(index.find(address(5)), 40)).toBe(true);
		expect([...index.usedSegments()].sort((a, b) => a - b)).toEqual([0, 3, 5, 7, 12, 15, 16, 20, 31, 32, 40]);
	});

	it('empties every array it holds when released, the items included', () => {
		const index = new MemberIndex(1);
		index.add(address(0), 0, 0, 4, 1, [9]);
		index.release();
		expect(index.size).toBe(0);
		expect(index.rowIndex.length).toBe(0);
		expect(index.memberAt(0)).toBe(-1);
		// The emptied items array has no element 0 (an array kept would still say 4).
		expect(index.itemOf(0)).toBeUndefined();
	});
});
