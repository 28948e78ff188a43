import * as fs from 'fs';
import * as path from 'path';
import type { INodeProperties, INodeTypes, IWorkflowDataProxyAdditionalKeys } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { MailchimpSegmentsApi } from '../../../credentials/MailchimpSegmentsApi.credentials';
import { MailchimpSegmentsOAuth2Api } from '../../../credentials/MailchimpSegmentsOAuth2Api.credentials';

const apiKey = new MailchimpSegmentsApi();
const oAuth2 = new MailchimpSegmentsOAuth2Api();

function property(properties: INodeProperties[], name: string): INodeProperties {
	const found = properties.find((p) => p.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

/** Evaluates an n8n expression the way n8n does for credential tests and authentication. */
function evaluate(expression: string, credentials: Record<string, unknown>): unknown {
	const nodeTypes = {
		getByName: () => ({ description: { properties: [] } }),
		getByNameAndVersion: () => ({ description: { properties: [], inputs: ['main'], outputs: ['main'] } }),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const workflow = new Workflow({
		nodes: [{ id: '1', name: 'N', type: 't', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		active: false,
		nodeTypes,
	});
	const additionalKeys = { $credentials: credentials } as unknown as IWorkflowDataProxyAdditionalKeys;
	return workflow.expression.getParameterValue(expression, null, 0, 0, 'N', [], 'manual', additionalKeys);
}

describe.each([
	['API key', apiKey],
	['OAuth2', oAuth2],
])('%s credential: shared fields', (_label, credential) => {
	it('has the consent notice and a consent toggle, off by default', () => {
		const names = credential.properties.map((p) => p.name);
		expect(names.indexOf('consentNotice')).toBe(names.indexOf('consent') - 1);
		const notice = property(credential.properties, 'consentNotice');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toMatch(/personal data \(email addresses, names and other profile attributes\) out of n8n to Mailchimp/);
		expect(notice.displayName).toMatch(/You are responsible/);
		const consent = property(credential.properties, 'consent');
		expect(consent).toMatchObject({
			type: 'boolean',
			default: false,
			displayName: 'I Agree to the Data Privacy and Compliance Notice',
		});
		expect(JSON.stringify(credential.properties)).not.toMatch(/\btick|\bbox\b/i);
	});

	it('says, while consent is off, that exports stay blocked whatever the connection test says', () => {
		const names = credential.properties.map((p) => p.name);
		expect(names.indexOf('consentMissingNotice')).toBe(names.indexOf('consent') + 1);
		const notice = property(credential.properties, 'consentMissingNotice');
		expect(notice).toMatchObject({ type: 'notice', displayOptions: { show: { consent: [false] } } });
		expect(notice.displayName).toMatch(/Exports stay blocked until .* is on\. Testing the connection checks the key only/);
	});

	it('has an optional, empty Base URL', () => {
		const baseUrl = property(credential.properties, 'baseUrl');
		expect(baseUrl).toMatchObject({ type: 'string', default: '' });
		expect(baseUrl.required).toBeFalsy();
		expect(baseUrl.placeholder).toBe('e.g. https://us6.api.mailchimp.com/3.0');
		expect(baseUrl.description).toMatch(/Leave empty to use Mailchimp/);
	});

	it('has our own light and dark icons, shipped beside it', () => {
		expect(credential.icon).toEqual({ light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' });
		for (const file of ['mailchimp.svg', 'mailchimp.dark.svg']) {
			expect(fs.readFileSync(path.join(__dirname, '../../../credentials', file), 'utf8')).toMatch(/^<svg /);
		}
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
	});
});

describe('MailchimpSegmentsApi', () => {
	it('is named as the node expects', () => {
		expect(apiKey.name).toBe('mailchimpSegmentsApi');
		expect(apiKey.displayName).toBe('Mailchimp Segments API');
	});

	it('keeps the API key in a password field', () => {
		expect(property(apiKey.properties, 'apiKey')).toMatchObject({
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		});
	});

	it('authenticates with Basic auth, any user name and the key as password', async () => {
		const options = { url: 'https://us6.api.mailchimp.com/3.0/lists', headers: { Accept: 'application/json' } };
		const signed = await apiKey.authenticate({ apiKey: ' abc-us6 \n' }, options);
		expect(signed).toEqual({ ...options, auth: { username: 'anystring', password: 'abc-us6' } });
		expect(options).not.toHaveProperty('auth');
	});

	it('tests the credential with GET /ping', () => {
		expect(apiKey.test.request).toMatchObject({ method: 'GET', url: '/ping' });
	});

	describe('credential test address', () => {
		const baseURL = (credentials: Record<string, unknown>) =>
			evaluate(apiKey.test.request.baseURL as string, credentials);

		it('is the data center of the key', () => {
			expect(baseURL({ apiKey: '0123456789abcdef0123456789abcdef-us6', baseUrl: '' })).toBe(
				'https://us6.api.mailchimp.com/3.0',
			);
			expect(baseURL({ apiKey: 'abc-us21' })).toBe('https://us21.api.mailchimp.com/3.0');
		});

		it('is the base URL when set, without trailing slashes', () => {
			expect(baseURL({ apiKey: 'abc-us6', baseUrl: 'http://127.0.0.1:4010/3.0/' })).toBe('http://127.0.0.1:4010/3.0');
		});

		it.each(['', 'abc', 'abc-us1.evil.com', 'abc-us1/..', 'abc-US1', 'abc-us1234', 'abc-us1@evil.com', 'abc-us1#x'])(
			'never builds a host from the malformed key %j',
			(key) => {
				expect(baseURL({ apiKey: key, baseUrl: '' })).toBe(
					'https://the-api-key-must-end-in-a-data-center-such-as-us6.invalid',
				);
				expect(baseURL({ apiKey: key, baseUrl: 'http://127.0.0.1:4010/3.0' })).toBe(
					'https://the-api-key-must-end-in-a-data-center-such-as-us6.invalid',
				);
			},
		);

		it.each(['ftp://x/3.0', 'javascript:alert(1)', 'https://user:pw@x/3.0', 'https://x/3.0?a=b', 'x/3.0'])(
			'refuses the base URL %j',
			(url) => {
				expect(baseURL({ apiKey: 'abc-us6', baseUrl: url })).toBe(
					'https://the-base-url-must-be-an-http-or-https-address.invalid',
				);
			},
		);
	});
});

describe('MailchimpSegmentsOAuth2Api', () => {
	it('extends n8n OAuth2 with Mailchimp addresses, all hidden', () => {
		expect(oAuth2.name).toBe('mailchimpSegmentsOAuth2Api');
		expect(oAuth2.displayName).toBe('Mailchimp Segments OAuth2 API');
		expect(oAuth2.extends).toEqual(['oAuth2Api']);
		const hidden = Object.fromEntries(
			oAuth2.properties.filter((p) => p.type === 'hidden').map((p) => [p.name, p.default]),
		);
		expect(hidden).toEqual({
			grantType: 'authorizationCode',
			authUrl: 'https://login.mailchimp.com/oauth2/authorize',
			accessTokenUrl: 'https://login.mailchimp.com/oauth2/token',
			scope: '',
			authQueryParameters: '',
			authentication: 'body',
		});
	});
});
