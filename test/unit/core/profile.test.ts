import { ExportError } from '../../../nodes/MailchimpSegmentExport/core';
import { emailProblem } from '../../../nodes/MailchimpSegmentExport/core/email';
import { OMIT } from '../../../nodes/MailchimpSegmentExport/core/mergeFields';
import { compilePath } from '../../../nodes/MailchimpSegmentExport/core/path';
import { MemberBuilder } from '../../../nodes/MailchimpSegmentExport/core/upsertMember';
import { Outcome, ProfileMapper, isConsent, newMappedProfile } from '../../../nodes/MailchimpSegmentExport/core/profile';
import { field, options } from './helpers';

const FIELDS = [field('FNAME', 'text'), field('LNAME', 'text'), field('LTV', 'number'), field('BDAY', 'birthday')];

describe('field paths', () => {
	it('read own properties only, nested and dotted keys', () => {
		expect(compilePath('contact.email', 'email').read({ contact: { email: 'a@b.co' } })).toBe('a@b.co');
		expect(compilePath('contact.email', 'email').read({ 'contact.email': 'x@y.co' })).toBe('x@y.co');
		expect(compilePath('toString', 'x').read({})).toBeUndefined();
		expect(compilePath('__proto__.polluted', 'x').read({})).toBeUndefined();
		expect(compilePath('constructor.prototype.x', 'x').read({})).toBeUndefined();
		expect(compilePath('a.0', 'x').read({ a: ['first'] })).toBe('first');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('refuses empty, too long and too deep paths quickly', () => {
		const start = Date.now();
		expect(() => compilePath(Array(10_000).fill('a').join('.'), 'x')).toThrow(ExportError);
		expect(() => compilePath('a.'.repeat(40) + 'a', 'x')).toThrow(/too many parts/);
		expect(() => compilePath('  ', 'x')).toThrow(ExportError);
		expect(Date.now() - start).toBeLessThan(2000);
	});
});

describe('emails', () => {
	it.each(['a@b.co', 'first.last+tag@example.com', 'user@bücher.de', 'x@xn--bcher-kva.example'])('accepts %s', (e) =>
		expect(emailProblem(e)).toBeNull(),
	);
	it('names non-ASCII characters before the @ (Mailchimp accepts them only in the domain)', () => {
		expect(emailProblem('josé@example.com')).toMatch(/non-ASCII characters before the @/);
		expect(emailProblem('jose@exämple.com')).toBeNull();
	});
	it.each(['', 'plain', 'a@b', 'a b@c.de', 'a@@b.co', '.a@b.co', 'a..b@c.de', 'a@b.c', `${'a'.repeat(250)}@b.co`, 'a@b.co\u0000'])(
		'rejects %j',
		(e) => expect(emailProblem(e)).not.toBeNull(),
	);
});

describe('consent', () => {
	it('only an explicit yes', () => {
		for (const yes of [true, 'true', 'TRUE', ' yes ', 1, '1']) expect(isConsent(yes)).toBe(true);
		for (const no of [false, 'false', 0, '0', null, undefined, {}, [], 'maybe', 'true'.repeat(3)]) expect(isConsent(no)).toBe(false);
	});
});

describe('ProfileMapper', () => {
	const mapper = (over = {}) =>
		new ProfileMapper(
			options({
				mapping: { email: 'contact.email', firstName: 'first', lastName: '', attributes: [{ mergeField: 'ltv', sourceField: 'stats.ltv' }] },
				...over,
			}),
			FIELDS,
		);

	it('maps a profile and builds merge_fields with the real tags', () => {
		const m = mapper();
		const out = newMappedProfile();
		expect(m.map({ contact: { email: '  Ann@Example.COM ' }, first: 'Ann', stats: { ltv: '12.5' }, segment: 'vip' }, out)).toBe(Outcome.Ok);
		expect(out.email).toBe('Ann@Example.COM');
		const builder = new MemberBuilder('pending', m.fields.map((f) => f.tag));
		expect(builder.build(out.email, out.values, undefined)).toEqual({ email_address: 'Ann@Example.COM', status_if_new: 'pending', merge_fields: { FNAME: 'Ann', LTV: 12.5 } });
		expect(builder.build(out.email, out.values.map(() => OMIT), ['VIP'])).toEqual({ email_address: 'Ann@Example.COM', status_if_new: 'pending', tags: ['VIP'] });
	});

	it('rejects with the field named, never throws on hostile values', () => {
		const m = mapper();
		const out = newMappedProfile();
		const hostile: unknown[] = [{ a: 1 }, [1, 2], 'x'.repeat(300), 'a\u0007b', null, undefined, Symbol('s'), () => 1, 10n];
		for (const value of hostile) {
			const outcome = m.map({ contact: { email: 'a@b.co' }, first: value, stats: { ltv: 1 }, segment: 'vip' }, out);
			if (outcome === Outcome.Rejected) {
				expect(out.field).toBe('FNAME');
				expect(out.code).toBe('INVALID_VALUE');
			} else expect(outcome).toBe(Outcome.Ok);
		}
		expect(m.map({ contact: { email: 'a@b.co' }, stats: { ltv: 'lots' }, segment: 'vip' }, out)).toBe(Outcome.Rejected);
		expect(out.field).toBe('LTV');
		expect(out.reason).toMatch(/LTV \(from stats.ltv\)/);
		expect(m.map({ contact: { email: { x: 1 } }, segment: 'vip' }, out)).toBe(Outcome.Rejected);
		expect(out.code).toBe('INVALID_EMAIL');
		expect(m.map({ segment: 'vip' }, out)).toBe(Outcome.Rejected);
		expect(out.code).toBe('MISSING_EMAIL');
		expect(m.map({ contact: { email: 'a@b.co' }, segment: { name: 'vip' } }, out)).toBe(Outcome.Rejected);
		expect(out.code).toBe('INVALID_SEGMENT');
		for (const data of [null, undefined, 42, 'text', [], Object.create(null)]) expect(() => m.map(data, out)).not.toThrow();
	});

	it('selects segments, skips the others and profiles without consent', () => {
		const m = mapper({ selectedSegments: ['VIP', 'churn'], consentField: 'ok' });
		const out = newMappedProfile();
		expect(m.map({ contact: { email: 'a@b.co' }, segment: ['vip', 'other', 'Churn'], ok: true }, out)).toBe(Outcome.Ok);
		expect(out.segments.map((s) => m.segments.names[s])).toEqual(['VIP', 'churn']);
		expect(m.map({ contact: { email: 'a@b.co' }, segment: 'other', ok: true }, out)).toBe(Outcome.NotInSelectedSegments);
		expect(m.map({ contact: { email: 'a@b.co' }, segment: 'vip', ok: 'no' }, out)).toBe(Outcome.NoConsent);
		expect(m.map({ contact: { email: 'a@b.co' }, ok: true }, out)).toBe(Outcome.NotInSelectedSegments);
	});

	it('gives each profile its own segments when the MappedProfile is reused, fewer than the one before included', () => {
		const m = mapper({ selectedSegments: ['VIP', 'churn', 'trial'] });
		const out = newMappedProfile();
		const named = () => out.segments.map((s) => m.segments.names[s]);
		const row = (segment: unknown) => ({ contact: { email: 'a@b.co' }, segment });
		expect(m.map(row(['trial', 'churn', 'VIP', 'churn']), out)).toBe(Outcome.Ok);
		expect(named()).toEqual(['trial', 'churn', 'VIP']);
		expect(m.map(row('VIP'), out)).toBe(Outcome.Ok);
		expect(named()).toEqual(['VIP']);
		expect(m.map(row('churn,trial'), out)).toBe(Outcome.Ok);
		expect(m.map(row('churn,trial'), out)).toBe(Outcome.Ok); // the remembered cell
		expect(named()).toEqual(['churn', 'trial']);
		expect(m.map(row('other'), out)).toBe(Outcome.NotInSelectedSegments);
		expect(out.segments).toEqual([]);
		expect(m.remap(row(['VIP', 'trial']), out)).toBe(Outcome.Ok);
		expect(named()).toEqual(['VIP', 'trial']);
	});

	it('reads several segments from one text separated by commas, as a CSV cell carries them', () => {
		const m = mapper({ selectedSegments: ['VIP', 'churn'] });
		const out = newMappedProfile();
		expect(m.map({ contact: { email: 'a@b.co' }, segment: ' Churn, other ,,VIP' }, out)).toBe(Outcome.Ok);
		expect(out.segments.map((s) => m.segments.names[s])).toEqual(['churn', 'VIP']);
	});

	it('reads a segment cell seen before as the first time: same segments, and a refused cell refused again', () => {
		const m = mapper();
		const out = newMappedProfile();
		const named = () => out.segments.map((s) => m.segments.names[s]);
		for (let i = 0; i < 2; i++) {
			expect(m.map({ contact: { email: 'a@b.co' }, segment: 'VIP,churn, VIP' }, out)).toBe(Outcome.Ok);
			expect(named()).toEqual(['VIP', 'churn']);
			expect(m.map({ contact: { email: 'a@b.co' }, segment: 'vip' }, out)).toBe(Outcome.Ok);
			expect(named()).toEqual(['VIP']);
			expect(m.map({ contact: { email: 'a@b.co' }, segment: `ok,${'x'.repeat(101)}` }, out)).toBe(Outcome.Rejected);
			expect(out.code).toBe('INVALID_SEGMENT');
			expect(m.map({ contact: { email: 'a@b.co' }, segment: ' , ' }, out)).toBe(Outcome.NotInSelectedSegments);
		}
	});

	it('refuses a mapping to a merge field the audience does not have, listing the ones it has', () => {
		expect(() => mapper({ mapping: { email: 'e', attributes: [{ mergeField: 'NOPE', sourceField: 'x' }] } })).toThrow(
			/no merge field NOPE/,
		);
		try {
			mapper({ mapping: { email: 'e', attributes: [{ mergeField: 'NOPE', sourceField: 'x' }] } });
		} catch (e) {
			expect((e as ExportError).description).toMatch(/FNAME, LNAME, LTV, BDAY/);
		}
	});
});
