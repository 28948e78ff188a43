// The audience snapshot of Only Send Changes and the comparison of values: hashes in typed
// arrays that never take two people for one, and values equal only in forms known to be equal.
import { memberHash } from '../../../nodes/MailchimpSegmentExport/core/hashTable';
import { ValueHasher } from '../../../nodes/MailchimpSegmentExport/core/changes';
import { compileNormaliser, EMPTY, UNKNOWN } from '../../../nodes/MailchimpSegmentExport/core/normalise';
import { OMIT } from '../../../nodes/MailchimpSegmentExport/core/mergeFields';
import { AudienceSnapshot } from '../../../nodes/MailchimpSegmentExport/core/snapshot';
import { field } from './helpers';

const values = (hi: number, lo: number) => Uint32Array.of(hi, lo);

describe('AudienceSnapshot', () => {
	afterEach(() => jest.restoreAllMocks());

	it('finds members by email, their values and their tags, past its first capacity and 32 segments', () => {
		const snapshot = new AudienceSnapshot(2);
		for (let i = 0; i < 5000; i++) snapshot.add(`m${i}@example.com`, values(i, i * 7), i % 2 === 0 ? [0, 40] : [31]);
		expect(snapshot.size).toBe(5000);
		const ord = snapshot.find('m4321@example.com');
		expect(snapshot.sameValues(ord, values(4321, 4321 * 7))).toBe(true);
		expect(snapshot.sameValues(ord, values(4321, 0))).toBe(false);
		expect([0, 31, 40].map((s) => snapshot.hasTag(ord, s))).toEqual([false, true, false]);
		const even = snapshot.find('m10@example.com');
		expect([0, 31, 40].map((s) => snapshot.hasTag(even, s))).toEqual([true, false, true]);
		expect(snapshot.find('nobody@example.com')).toBe(-1);
		// An email as written finds the member listed under its lower-cased form.
		expect(snapshot.find('M4321@Example.COM')).toBe(ord);
	});

	it('two listed emails with one hash (or one email listed twice) are never compared: both are sent', () => {
		jest.spyOn(memberHash, 'ofEmail').mockImplementation((key, out) => {
			out[0] = key.startsWith('twin') ? 1 : key.length;
			out[1] = key.startsWith('twin') ? 2 : key.charCodeAt(0);
		});
		const snapshot = new AudienceSnapshot(1);
		snapshot.add('twin-a@example.com', values(1, 1), [0]);
		snapshot.add('twin-b@example.com', values(2, 2), [0]);
		snapshot.add('solo@example.com', values(3, 3), []);
		snapshot.add('again@example.com', values(4, 4), []);
		snapshot.add('again@example.com', values(4, 4), []);
		expect(snapshot.find('twin-a@example.com')).toBe(-1);
		expect(snapshot.find('twin-b@example.com')).toBe(-1);
		expect(snapshot.find('again@example.com')).toBe(-1);
		expect(snapshot.find('solo@example.com')).toBeGreaterThanOrEqual(0);
	});
});

describe('equal after Mailchimp normalisation', () => {
	const same = (def: ReturnType<typeof field>, sent: unknown, held: unknown) => {
		const n = compileNormaliser(def);
		return n.sent(sent) === n.held(held);
	};

	it('numbers: a number or its text', () => {
		const ltv = field('LTV', 'number');
		expect(same(ltv, 42, 42)).toBe(true);
		expect(same(ltv, 42, '42')).toBe(true);
		expect(same(ltv, 4.2, '4.20')).toBe(true);
		expect(same(ltv, 42, '42abc')).toBe(false);
		expect(same(ltv, 0, '')).toBe(false);
		expect(compileNormaliser(ltv).held({})).toBe(UNKNOWN);
	});

	it("dates: the field's format or ISO, never another order", () => {
		const joined = field('JOINED', 'date', { dateFormat: 'DD/MM/YYYY' });
		expect(same(joined, '04/03/2024', '04/03/2024')).toBe(true);
		expect(same(joined, '04/03/2024', '2024-03-04')).toBe(true);
		expect(same(joined, '04/03/2024', '2024-04-03')).toBe(false);
		expect(same(joined, '04/03/2024', '03/04/2024')).toBe(false);
		expect(compileNormaliser(joined).held('March 4')).toBe(UNKNOWN);
	});

	it('phones, birthdays and text exactly as sent', () => {
		expect(same(field('PHONE', 'phone'), '555.123.4567', '555-123-4567')).toBe(false);
		expect(same(field('PHONE', 'phone'), '555.123.4567', '555.123.4567')).toBe(true);
		expect(same(field('BDAY', 'birthday', { dateFormat: 'DD/MM' }), '04/03', '03/04')).toBe(false);
		expect(same(field('FNAME', 'text'), 'Ann', 'ann')).toBe(false);
		expect(compileNormaliser(field('FNAME', 'text')).held(7)).toBe(UNKNOWN);
	});

	it('addresses: every part the node sends; a part it leaves out must be empty', () => {
		const address = field('ADDRESS', 'address');
		const sent = { addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' };
		expect(same(address, sent, { ...sent })).toBe(true);
		expect(same(address, sent, { ...sent, addr2: '', country: '' })).toBe(true);
		expect(same(address, sent, { ...sent, country: 'US' })).toBe(false);
		expect(same(address, sent, { ...sent, zip: 62701 })).toBe(false);
	});

	it('a value the node leaves out equals only an empty one', () => {
		const n = compileNormaliser(field('FNAME', 'text'));
		expect(n.sent(OMIT)).toBe(EMPTY);
		expect([n.held(''), n.held(undefined), n.held(null)]).toEqual([EMPTY, EMPTY, EMPTY]);
		expect(n.held('Ann')).not.toBe(EMPTY);
	});

	it('ValueHasher: the values sent and held hash alike only when every field compares equal', () => {
		const hasher = new ValueHasher(['FNAME', 'LTV'], [field('FNAME', 'text'), field('LTV', 'number')]);
		const a = new Uint32Array(2);
		const b = new Uint32Array(2);
		hasher.sent(['Ann', 42], a);
		hasher.held({ FNAME: 'Ann', LTV: '42' }, b);
		expect([...a]).toEqual([...b]);
		hasher.held({ FNAME: 'Ann', LTV: '43' }, b);
		expect([...a]).not.toEqual([...b]);
		// The parts cannot run into each other.
		hasher.sent(['Ann4', OMIT], a);
		hasher.held({ FNAME: 'Ann', LTV: 4 }, b);
		expect([...a]).not.toEqual([...b]);
	});
});
