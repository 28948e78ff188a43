// The member hash: an email's hash is its lower-cased identity's, computed without the string.
import { emailKey } from '../../../nodes/MailchimpSegmentExport/core/email';
import { memberHash } from '../../../nodes/MailchimpSegmentExport/core/hashTable';

const hashOf = (f: (s: string, out: Uint32Array) => void, s: string): number[] => {
	const out = new Uint32Array(2);
	f(s, out);
	return [...out];
};

describe('memberHash.ofEmail', () => {
	it('is the hash of the lower-cased address, ASCII or not', () => {
		const chars = ['a', 'Z', 'M', '@', '.', '0', '_', '[', '`', '{', 'é', 'É', 'İ', 'ß', 'Σ', '😀'];
		let seed = 7;
		const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
		const samples = ['Ann@Example.COM', 'ann@example.com', 'ZOË@BÜCHER.EXAMPLE', 'İ@x.org', ''];
		for (let n = 0; n < 500; n++) samples.push(Array.from({ length: 1 + (next() % 30) }, () => chars[next() % chars.length]).join(''));
		for (const s of samples) expect(hashOf(memberHash.ofEmail, s)).toEqual(hashOf(memberHash.of, emailKey(s)));
	});

	it('is the hash of the lower-cased character for every UTF-16 code unit, next to a capital', () => {
		const wrong: number[] = [];
		for (let c = 0; c < 0x10000; c++) {
			const s = `A${String.fromCharCode(c)}`;
			if (hashOf(memberHash.ofEmail, s).join() !== hashOf(memberHash.of, emailKey(s)).join()) wrong.push(c);
		}
		expect(wrong).toEqual([]);
	});

	it('tells apart addresses that differ in more than case', () => {
		expect(hashOf(memberHash.ofEmail, 'ann@example.com')).not.toEqual(hashOf(memberHash.ofEmail, 'ann@example.org'));
		expect(hashOf(memberHash.ofEmail, 'A@x.org')).toEqual(hashOf(memberHash.ofEmail, 'a@X.ORG'));
		// `[` and `{` sit next to the capitals and the small letters: they are not letters.
		expect(hashOf(memberHash.ofEmail, '[@x.org')).not.toEqual(hashOf(memberHash.ofEmail, '{@x.org'));
		expect(hashOf(memberHash.ofEmail, '@@x.org')).not.toEqual(hashOf(memberHash.ofEmail, '`@x.org'));
	});
});
