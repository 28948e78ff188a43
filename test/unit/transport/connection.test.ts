import {
	apiRootFromApiKey,
	apiRootFromMetadata,
	assertConsent,
	baseUrlOverride,
	ConnectionError,
	dataCenterFromApiKey,
	MAILCHIMP_METADATA_URL,
	metadataUrl,
	validateBaseUrl,
} from '../../../nodes/MailchimpSegmentExport/transport/connection';
import { scrubSecrets } from '../../../nodes/MailchimpSegmentExport/core/redact';

const GOOD_KEY = '0123456789abcdef0123456789abcdef-us6';
const MALFORMED_KEYS = [
	'',
	'   ',
	'0123456789abcdef0123456789abcdef',
	'0123456789abcdef0123456789abcdef-',
	'-us6',
	'abc-us1.evil.com',
	'abc-us1/..',
	'abc-us1:443',
	'abc-us1@evil.com',
	'abc-US1',
	'abc-us1234',
	'abc-u1',
	'abc-usa1',
	'abc-us6\n-evil',
];

function errorOf(fn: () => unknown): Error {
	try {
		fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a throw');
}

describe('dataCenterFromApiKey', () => {
	it('reads the data center at the end of a key', () => {
		expect(dataCenterFromApiKey(GOOD_KEY)).toBe('us6');
		expect(dataCenterFromApiKey('abc-us21')).toBe('us21');
		expect(dataCenterFromApiKey('abc-def-us123')).toBe('us123');
		expect(dataCenterFromApiKey(`  ${GOOD_KEY}\n`)).toBe('us6');
	});

	it.each(MALFORMED_KEYS)('refuses %j with a clear message that does not contain it', (key) => {
		const error = errorOf(() => dataCenterFromApiKey(key));
		expect(error).toBeInstanceOf(ConnectionError);
		expect(error.message).toBe(
			'The API key does not end in a Mailchimp data center such as -us6. Copy the whole key from Mailchimp > Profile > Extras > API keys.',
		);
		if (key.trim().length > 4) expect(error.message).not.toContain(key.trim());
	});

	it.each([undefined, null, 42, {}])('refuses a non-string key (%p)', (key) => {
		expect(() => dataCenterFromApiKey(key)).toThrow(ConnectionError);
	});
});

describe('validateBaseUrl', () => {
	it('accepts http and https URLs and strips trailing slashes', () => {
		expect(validateBaseUrl('https://us6.api.mailchimp.com/3.0/')).toBe('https://us6.api.mailchimp.com/3.0');
		expect(validateBaseUrl('http://localhost:8787/3.0//')).toBe('http://localhost:8787/3.0');
		expect(validateBaseUrl(' https://proxy.example.com/mailchimp ')).toBe('https://proxy.example.com/mailchimp');
		expect(validateBaseUrl('HTTPS://Proxy.Example.com')).toBe('HTTPS://Proxy.Example.com');
	});

	it.each([
		['ftp://example.com/3.0', 'http:// or https://'],
		['javascript:alert(1)', 'http:// or https://'],
		['file:///etc/passwd', 'http:// or https://'],
		['data:text/plain,hi', 'http:// or https://'],
		['us6.api.mailchimp.com/3.0', 'http:// or https://'],
		['//evil.com/3.0', 'http:// or https://'],
		['', 'It is blank'],
		['   ', 'It is blank'],
		['https://user:secret@example.com/3.0', 'without a user name or password'],
		['https://example.com/3.0?x=1', 'without a query'],
		['https://example.com/3.0#frag', 'without a query'],
	])('refuses %j, naming the rule', (url, words) => {
		const error = errorOf(() => validateBaseUrl(url));
		expect(error).toBeInstanceOf(ConnectionError);
		expect(error.message).toContain('The Base URL must be an http:// or https:// address');
		expect(error.message).toContain(words);
	});

	it('treats an empty base URL on a credential as "use Mailchimp"', () => {
		expect(baseUrlOverride({ baseUrl: '' })).toBeUndefined();
		expect(baseUrlOverride({ baseUrl: '  ' })).toBeUndefined();
		expect(baseUrlOverride({})).toBeUndefined();
		expect(baseUrlOverride({ baseUrl: 'http://sim:1/3.0/' })).toBe('http://sim:1/3.0');
		expect(() => baseUrlOverride({ baseUrl: 'ftp://x' })).toThrow(ConnectionError);
	});
});

describe('apiRootFromApiKey', () => {
	it('builds the Mailchimp root from the key', () => {
		expect(apiRootFromApiKey({ apiKey: GOOD_KEY })).toBe('https://us6.api.mailchimp.com/3.0');
		expect(apiRootFromApiKey({ apiKey: GOOD_KEY, baseUrl: '' })).toBe('https://us6.api.mailchimp.com/3.0');
	});

	it('uses the base URL when set', () => {
		expect(apiRootFromApiKey({ apiKey: GOOD_KEY, baseUrl: 'http://127.0.0.1:4010/3.0/' })).toBe(
			'http://127.0.0.1:4010/3.0',
		);
	});

	it('still refuses a malformed key when a base URL is set', () => {
		expect(() => apiRootFromApiKey({ apiKey: 'abc-us1.evil.com', baseUrl: 'http://sim/3.0' })).toThrow(
			ConnectionError,
		);
	});

	it('refuses a bad base URL', () => {
		expect(() => apiRootFromApiKey({ apiKey: GOOD_KEY, baseUrl: 'javascript:alert(1)' })).toThrow(
			/http:\/\/ or https:\/\//,
		);
	});
});

describe('OAuth2 metadata', () => {
	it('finds the metadata endpoint', () => {
		expect(metadataUrl()).toBe(MAILCHIMP_METADATA_URL);
		expect(MAILCHIMP_METADATA_URL).toBe('https://login.mailchimp.com/oauth2/metadata');
		expect(metadataUrl('http://127.0.0.1:4010/3.0')).toBe('http://127.0.0.1:4010/oauth2/metadata');
	});

	it('builds the root from a matching api_endpoint', () => {
		expect(apiRootFromMetadata({ dc: 'us6', api_endpoint: 'https://us6.api.mailchimp.com' })).toBe(
			'https://us6.api.mailchimp.com/3.0',
		);
		expect(apiRootFromMetadata({ dc: 'us6', api_endpoint: 'https://us6.api.mailchimp.com/' })).toBe(
			'https://us6.api.mailchimp.com/3.0',
		);
	});

	it.each([
		{ dc: 'us6', api_endpoint: 'https://evil.example.com' },
		{ dc: 'us6', api_endpoint: 'http://us6.api.mailchimp.com' },
		{ dc: 'us6', api_endpoint: 'https://us7.api.mailchimp.com' },
		{ dc: 'us6', api_endpoint: 'https://us6.api.mailchimp.com.evil.com' },
		{ dc: 'us6', api_endpoint: 'https://us6.api.mailchimp.com@evil.com' },
		{ dc: 'us6' },
	])('refuses an api_endpoint pointing elsewhere (%j)', (metadata) => {
		expect(() => apiRootFromMetadata(metadata)).toThrow(/unexpected address instead of https:\/\/us6\.api\.mailchimp\.com/);
	});

	it.each([{ dc: 'evil.com/x', api_endpoint: 'https://evil.com/x.api.mailchimp.com' }, { dc: 'US6' }, {}, null, 'text'])(
		'refuses metadata without a valid dc (%j)',
		(metadata) => {
			expect(() => apiRootFromMetadata(metadata)).toThrow(/no valid data center/);
		},
	);

	it('accepts any metadata endpoint answer when a base URL is set', () => {
		expect(
			apiRootFromMetadata({ dc: 'us6', api_endpoint: 'http://127.0.0.1:4010' }, 'http://127.0.0.1:4010/3.0/'),
		).toBe('http://127.0.0.1:4010/3.0');
	});

	it('turns invalid_token into a reconnect message', () => {
		expect(() => apiRootFromMetadata({ error: 'invalid_token' })).toThrow(/reconnect it to Mailchimp/);
		expect(() => apiRootFromMetadata({ error: 'invalid_token' }, 'http://sim/3.0')).toThrow(/invalid_token/);
	});
});

describe('assertConsent', () => {
	it('lets an agreed credential through', () => {
		expect(() => assertConsent({ consent: true })).not.toThrow();
	});

	it.each([false, undefined, 'true', 1, null])('blocks consent %p and says where to tick it', (consent) => {
		const error = errorOf(() => assertConsent({ consent, apiKey: GOOD_KEY }, 'Mailchimp account'));
		expect(error).toBeInstanceOf(ConnectionError);
		expect(error.message).toBe(
			"Exporting is blocked: the Mailchimp credential's data privacy and compliance notice has not been agreed to. " +
				"Open the credential (Credentials > Mailchimp account) and turn on 'I Agree to the Data Privacy and Compliance Notice'.",
		);
		expect(error.message).not.toContain(GOOD_KEY);
	});

	it('names the credential generically when its name is unknown', () => {
		expect(() => assertConsent({ consent: false })).toThrow(/Credentials > your Mailchimp Segments credential/);
	});
});

describe('scrubSecrets', () => {
	it('removes every occurrence of each secret, and of the key without its data center', () => {
		const text = `failed with ${GOOD_KEY} and 0123456789abcdef0123456789abcdef and token tok_ABCDEFGH twice tok_ABCDEFGH`;
		const scrubbed = scrubSecrets(text, [GOOD_KEY, 'tok_ABCDEFGH', undefined, null]);
		expect(scrubbed).not.toContain('0123456789abcdef');
		expect(scrubbed).not.toContain('tok_ABCDEFGH');
		expect(scrubbed).toBe('failed with [redacted] and [redacted] and token [redacted] twice [redacted]');
	});

	it('removes URL-encoded and Basic-auth forms of a key', () => {
		const basic = Buffer.from(`anystring:${GOOD_KEY}`).toString('base64');
		const key = 'abc+/=def-us6';
		const scrubbed = scrubSecrets(`Basic ${basic} ${encodeURIComponent(key)}`, [GOOD_KEY, key]);
		expect(scrubbed).toBe('Basic [redacted] [redacted]');
	});

	it('ignores secrets too short to be real', () => {
		expect(scrubSecrets('a b c', ['a', '', 'b'])).toBe('a b c');
	});
});
