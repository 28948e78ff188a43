import { Invalid, OMIT, compileConverter, compileDateFormat, toText } from '../../../nodes/MailchimpSegmentExport/core/mergeFields';
import { field } from './helpers';

const invalid = (v: unknown) => expect(v).toBeInstanceOf(Invalid);

describe('merge field conversion', () => {
	it('text: trims, stringifies numbers, caps at 255, refuses objects and control characters', () => {
		const c = compileConverter(field('T', 'text'));
		expect(c('  Ann  ')).toBe('Ann');
		expect(c(42)).toBe('42');
		expect(c('x'.repeat(255))).toBe('x'.repeat(255));
		invalid(c('x'.repeat(256)));
		invalid(c({ a: 1 }));
		invalid(c(['a']));
		invalid(c('a\u0000b'));
		invalid(c(NaN));
		expect(c('😀'.repeat(200))).toBe('😀'.repeat(200)); // 200 characters, 400 UTF-16 units
		expect(c('Zoë 日本')).toBe('Zoë 日本');
		expect(c(null)).toBe(OMIT);
		expect(c(undefined)).toBe(OMIT);
		expect(c('   ')).toBe(OMIT);
	});

	it('text: refuses exactly C0 controls (but tab, line feed, carriage return), DEL and C1 controls', () => {
		const c = compileConverter(field('T', 'text'));
		const refused: number[] = [];
		for (let code = 0; code <= 0xff; code++) {
			if (c(`a${String.fromCharCode(code)}b`) instanceof Invalid) refused.push(code);
		}
		const c0 = Array.from({ length: 0x20 }, (_, i) => i).filter((i) => i !== 0x09 && i !== 0x0a && i !== 0x0d);
		const delAndC1 = Array.from({ length: 0x21 }, (_, i) => 0x7f + i);
		expect(refused).toEqual([...c0, ...delAndC1]);
		expect(c('a\u2028b\uFEFFc')).toBe('a\u2028b\uFEFFc');
	});

	it('required fields reject empty values', () => {
		const c = compileConverter(field('T', 'text', {}, true));
		invalid(c(''));
		invalid(c(null));
		expect((c(undefined) as Invalid).reason).toMatch(/required/);
	});

	it('number: finite numbers and numeric strings only', () => {
		const c = compileConverter(field('N', 'number'));
		expect(c(3.5)).toBe(3.5);
		expect(c(' 12 ')).toBe(12);
		expect(c('-1e3')).toBe(-1000);
		invalid(c('12abc'));
		invalid(c(Infinity));
		invalid(c(true));
		invalid(c({}));
		invalid(c('1'.repeat(400)));
	});

	it('date: ISO in, field format out; ambiguous forms only in the field format', () => {
		const us = compileConverter(field('D', 'date', { dateFormat: 'MM/DD/YYYY' }));
		const eu = compileConverter(field('D', 'date', { dateFormat: 'DD/MM/YYYY' }));
		const iso = compileConverter(field('D', 'date', { dateFormat: 'YYYY-MM-DD' }));
		expect(us('2024-03-04')).toBe('03/04/2024');
		expect(eu('2024-03-04')).toBe('04/03/2024');
		expect(iso('2024-03-04T23:59:00Z')).toBe('2024-03-04');
		expect(us('03/04/2024')).toBe('03/04/2024');
		expect(eu('03/04/2024')).toBe('03/04/2024');
		invalid(iso('03/04/2024'));
		expect(us('March 4, 2024')).toBe('03/04/2024');
		expect(us('4 Mar 2024')).toBe('03/04/2024');
		expect(us(new Date(Date.UTC(2024, 2, 4)).toUTCString())).toBe('03/04/2024');
		expect(us('2024/3/4')).toBe('03/04/2024');
		invalid(us('2024-02-30'));
		invalid(us('soon'));
		invalid(us(1709510400000));
		invalid(us({ y: 2024 }));
	});

	it('birthday: MM/DD from MM/DD, ISO dates and timestamps', () => {
		const c = compileConverter(field('B', 'birthday', { dateFormat: 'MM/DD' }));
		expect(c('12/31')).toBe('12/31');
		expect(c('1990-02-29')).toBeInstanceOf(Invalid);
		expect(c('2000-02-29')).toBe('02/29');
		expect(c('02/29')).toBe('02/29');
		expect(c('1985-07-09T10:00:00+02:00')).toBe('07/09');
		invalid(c('31/12'));
		const dm = compileConverter(field('B', 'birthday', { dateFormat: 'DD/MM' }));
		expect(dm('31/12')).toBe('12/31');
	});

	it('address: an object with addr1, city, state and zip', () => {
		const c = compileConverter(field('A', 'address'));
		expect(c({ addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: 62701, extra: 'x' })).toEqual({
			addr1: '1 Main St',
			city: 'Springfield',
			state: 'IL',
			zip: '62701',
		});
		invalid(c('1 Main St, Springfield'));
		invalid(c({ addr1: '1 Main St', city: 'Springfield' }));
		invalid(c({ addr1: { x: 1 }, city: 'a', state: 'b', zip: 'c' }));
		invalid(c({ addr1: '', city: 'a', state: 'b', zip: 'c' }));
		invalid(c([1, 2]));
	});

	it('phone, url, dropdown', () => {
		const phone = compileConverter(field('P', 'phone'));
		expect(phone('+1 (555) 123-4567')).toBe('+1 (555) 123-4567');
		invalid(phone('call me'));
		const url = compileConverter(field('U', 'url'));
		expect(url('https://example.com/x')).toBe('https://example.com/x');
		invalid(url('javascript:alert(1)'));
		invalid(url('example.com'));
		const dd = compileConverter(field('C', 'dropdown', { choices: ['Gold', 'Silver'] }));
		expect(dd(' gold ')).toBe('Gold');
		expect((dd('bronze') as Invalid).reason).toMatch(/Gold, Silver/);
	});

	it('date formats compile once and format back', () => {
		const f = compileDateFormat('DD.MM.YYYY', 'YYYY-MM-DD');
		expect(f.format(20240304)).toBe('04.03.2024');
		expect(f.parse('04.03.2024')).toBe(20240304);
		expect(compileDateFormat('nonsense', 'YYYY-MM-DD').format(20240304)).toBe('2024-03-04');
		expect(toText(true)).toBe('true');
	});
});
