// fast-check arbitraries for hostile profile values: what real exports bring in.
import fc from 'fast-check';

const long = (n: number, unit = 'x') => unit.repeat(n);

/** Text values a person or a CRM writes into a field. */
export const hostileText = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'\t \n',
		'   padded   ',
		long(255),
		long(256),
		long(10_000),
		'😀'.repeat(200), // 200 code points, 400 UTF-16 units
		'👩‍👩‍👧‍👦 family',
		'مرحبا بالعالم',
		'\u202Egnp.exe',
		'שלום',
		'Ünïcödé Ñame',
		'a\u0000b',
		'bell\u0007',
		'esc\u001b[31m',
		'c1\u0085',
		'line\nbreak',
		'cr\r\nlf',
		'tab\there',
		'\ufeffbom',
		'<script>alert(1)</script>',
		"Robert'); DROP TABLE students;--",
		'=HYPERLINK("http://evil")',
		'null',
		'undefined',
		'NaN',
		'__proto__',
		'constructor',
		'0',
		'-0',
		'12',
		' 42 ',
		'1e3',
		'1,5',
		'0x1F',
		'true',
	),
	fc.string({ unit: 'grapheme', maxLength: 40 }),
	fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Anything at all where a string is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 6, arbitrary: hostileText },
	{
		weight: 3,
		arbitrary: fc.constantFrom<unknown>(
			null,
			undefined,
			true,
			false,
			0,
			-1,
			3.14,
			1e21,
			Number.NaN,
			Number.POSITIVE_INFINITY,
			Number.MAX_SAFE_INTEGER,
			[],
			['a', 'b'],
			[['nested']],
			{},
			{ a: { b: { c: 'deep' } } },
			{ toString: 'not a function' },
			{ __proto__: null, x: 1 },
			JSON.parse('{"__proto__":{"polluted":"yes"}}'),
		),
	},
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Dates in the forms exports carry them. */
export const hostileDate: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom<unknown>(
		'2024-03-04',
		'2024-02-29',
		'2023-02-29',
		'2024-13-01',
		'2024-00-10',
		'04/03/2024',
		'31/12/2024',
		'12/31/2024',
		'2024/3/4',
		'2024-03-04T10:00:00Z',
		'2024-03-04 10:00:00+02:00',
		'March 4, 2024',
		'4 March 2024',
		'Mon Mar 04 2024 10:00:00 GMT+0000 (Coordinated Universal Time)',
		'Mon, 04 Mar 2024 10:00:00 GMT',
		'03/04',
		'02/30',
		'0000-01-01',
		'9999-12-31',
		'yesterday',
		1709510400000,
		new Date('2024-03-04T00:00:00Z'),
		new Date('invalid'),
	),
	fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
	fc
		.record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) })
		.chain(({ y, m, d }) =>
			fc.constantFrom(
				`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
				`${d}/${m}/${y}`,
				`${m}/${d}`,
			),
		),
	hostileValue,
);

/** Email values: plain, edge-of-RFC, IDN, hostile. `n` keeps the plain ones distinct. */
export function hostileEmail(n: number): fc.Arbitrary<unknown> {
	const plain = `user${n}@example.com`;
	return fc.oneof(
		{ weight: 20, arbitrary: fc.constant(plain) },
		{
			weight: 2,
			arbitrary: fc
				.array(fc.boolean(), { minLength: plain.length, maxLength: plain.length })
				.map((upper) => [...plain].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
		},
		{
			weight: 4,
			arbitrary: fc.constantFrom<unknown>(
				` ${plain} `,
				`\t${plain}\n`,
				`${long(64, 'a')}@example.com`,
				`${long(65, 'a')}@example.com`,
				`a@${long(63, 'b')}.com`,
				`a@${long(64, 'b')}.com`,
				`${long(64, 'a')}@${Array.from({ length: 4 }, () => long(45, 'd')).join('.')}.com`,
				`${long(250)}@example.com`,
				'first.last+tag@example.com',
				"o'brien@example.com",
				'"quoted local"@example.com',
				'a..b@example.com',
				'.a@example.com',
				'a.@example.com',
				'a@example',
				'a@-example.com',
				'a@example-.com',
				'a@@example.com',
				'a@exa mple.com',
				'a@[127.0.0.1]',
				'user@münchen.de',
				'用户@例子.广告',
				'user@xn--mnchen-3ya.de',
				'пользователь@пример.рф',
				'user@example.com.',
				'user\u0000@example.com',
				'user@example.com\u200b',
				'test@example.com',
				'someone@test.com',
				'',
				'   ',
				'no-at-sign',
				'@example.com',
				'user@',
				null,
				undefined,
				42,
				true,
				['a@example.com'],
				{ address: 'a@example.com' },
			),
		},
		{ weight: 1, arbitrary: hostileValue },
	);
}

/** Consent flag values. */
export const consentValue = fc.constantFrom<unknown>(true, false, 'true', 'TRUE', ' yes ', 'y', '1', 1, 0, 'no', '', null, undefined, 'truee', {}, [true]);

/** Segment values: names, lists, hostile. */
export const segmentValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 5, arbitrary: fc.constantFrom<unknown>('vip', 'VIP', ' vip ', 'churn', ['vip', 'churn'], ['VIP', 'vip']) },
	{
		weight: 2,
		arbitrary: fc.constantFrom<unknown>(
			'',
			null,
			undefined,
			[],
			[null, ''],
			long(100, 's'),
			long(101, 's'),
			'bad\u0001name',
			'مرحبا',
			'😀 fans',
			42,
			{ name: 'vip' },
			[['vip']],
		),
	},
);

export const addressValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constant({ addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' }),
	fc.constant({ addr1: '1 Main St', addr2: '', city: 'Springfield', state: 'IL', zip: 62701, country: 'US' }),
	fc.record({ addr1: hostileValue, city: hostileValue, state: hostileValue, zip: hostileValue }, { requiredKeys: [] }),
	hostileValue,
);

/** Mostly a good value, sometimes a hostile one (so that each run exports some rows). */
const mostly = (good: fc.Arbitrary<unknown>, bad: fc.Arbitrary<unknown>) =>
	fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: bad });

/** One profile: every mapped field sometimes hostile. */
export function hostileProfile(n: number): fc.Arbitrary<Record<string, unknown>> {
	return fc.record(
		{
			email: hostileEmail(n),
			first: mostly(fc.constantFrom('Ann', 'Zoë', 'محمد', '李', 'O\'Brien', '😀'), hostileValue),
			last: mostly(fc.string({ unit: 'grapheme', maxLength: 20 }), hostileValue),
			segment: mostly(fc.constantFrom('vip', 'churn', ['vip', 'churn']), segmentValue),
			ok: mostly(fc.constant(true), consentValue),
			ltv: mostly(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map(String)), hostileValue),
			signup: mostly(fc.constantFrom('2024-03-04', '04/03/2024', 'March 4, 2024'), hostileDate),
			bday: mostly(fc.constantFrom('03/04', '1990-12-31', '02/29'), hostileDate),
			site: mostly(fc.constantFrom('https://example.com/a?b=c', 'http://x.y'), fc.oneof(fc.constantFrom('ftp://x.y', 'javascript:alert(1)', 'https://例子.广告/路径'), hostileValue)),
			plan: mostly(fc.constantFrom('Gold', 'gold', ' SILVER ', undefined), fc.oneof(fc.constant('Platinum'), hostileValue)),
			channel: mostly(fc.constantFrom('Email', 'sms'), fc.oneof(fc.constant('Fax'), hostileValue)),
			city: mostly(fc.constantFrom('Paris', 'Zürich', 'القاهرة'), hostileValue),
			address: mostly(fc.constant(undefined), addressValue),
			phone: mostly(fc.constantFrom('+1 (555) 010-2030', undefined), fc.oneof(fc.constantFrom('555.010.2030 x12', '12', 'call me'), hostileValue)),
		},
		{ requiredKeys: ['email'] },
	);
}
