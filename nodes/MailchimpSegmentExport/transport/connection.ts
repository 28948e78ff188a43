// Where requests go and whether they may go at all, decided from the credential alone.
// Pure functions: no n8n import, no I/O. Every message here is safe to show: none of them
// ever contains the API key or a token.

/** A Mailchimp data center: two letters and one to three digits (`us6`, `us21`); the one definition. */
export const DATA_CENTER_PATTERN = '[a-z]{2}[0-9]{1,3}';
const DATA_CENTER = new RegExp(`^${DATA_CENTER_PATTERN}$`);

/** Mailchimp's API origin for a data center; the API root is this plus API_VERSION_PATH. */
function mailchimpApiOrigin(dataCenter: string): string {
	return `https://${dataCenter}.api.mailchimp.com`;
}
const API_VERSION_PATH = '/3.0';

/**
 * What a pattern can say of validateBaseUrl's rule: http(s), a host, no user info, query or
 * fragment. Used where only an expression can run (the credential's test request).
 */
const BASE_URL_SHAPE = String.raw`^https?:\/\/[^\s/?#@]+[^\s?#@]*$`;

/**
 * apiRootFromApiKey as an n8n expression, for the API-key credential's test request (it runs in
 * n8n's expression engine, where nothing can be imported). A malformed key or Base URL points the
 * test at a reserved `.invalid` name that says what is wrong, so nothing is ever sent to a host
 * the key chose.
 */
export const API_KEY_ROOT_EXPRESSION =
	"={{ " +
	`!/^\\S+-${DATA_CENTER_PATTERN}$/.test(String($credentials.apiKey || '').trim()) ? 'https://the-api-key-must-end-in-a-data-center-such-as-us6.invalid'` +
	` : String($credentials.baseUrl || '').trim() === '' ? '${mailchimpApiOrigin("' + String($credentials.apiKey).trim().split('-').pop() + '")}${API_VERSION_PATH}'` +
	` : /${BASE_URL_SHAPE}/i.test(String($credentials.baseUrl).trim()) ? String($credentials.baseUrl).trim().replace(/\\/+$/, '')` +
	" : 'https://the-base-url-must-be-an-http-or-https-address.invalid' }}";

/** Where Mailchimp's OAuth2 metadata lives when no base URL replaces it. */
export const MAILCHIMP_METADATA_URL = 'https://login.mailchimp.com/oauth2/metadata';

/** The consent toggle's label, in words the user sees. */
export const CONSENT_LABEL = 'I Agree to the Data Privacy and Compliance Notice';

/** The connection cannot be used as configured. The message says what to change. */
export class ConnectionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConnectionError';
	}
}

/** The fields of either Mailchimp Segments credential that decide the connection. */
export interface ConnectionCredentials {
	apiKey?: unknown;
	baseUrl?: unknown;
	consent?: unknown;
}

/** What `GET https://login.mailchimp.com/oauth2/metadata` answers (the fields we use). */
export interface OAuthMetadata {
	dc?: unknown;
	api_endpoint?: unknown;
	error?: unknown;
}

/**
 * The data center at the end of an API key (`0123...cdef-us6` -> `us6`). Anything else is
 * refused, so that a crafted key can never choose the host the key is sent to.
 */
export function dataCenterFromApiKey(apiKey: unknown): string {
	const key = typeof apiKey === 'string' ? apiKey.trim() : '';
	const dash = key.lastIndexOf('-');
	const dataCenter = dash > 0 ? key.slice(dash + 1) : '';
	if (!DATA_CENTER.test(dataCenter)) {
		throw new ConnectionError(
			'The API key does not end in a Mailchimp data center such as -us6. ' +
				'Copy the whole key from Mailchimp > Profile > Extras > API keys.',
		);
	}
	return dataCenter;
}

/**
 * Checks a base URL that replaces `https://<dc>.api.mailchimp.com/3.0` and returns it
 * without trailing slashes. Only absolute http(s) URLs without user info, query or
 * fragment are accepted.
 */
export function validateBaseUrl(url: unknown): string {
	const text = typeof url === 'string' ? url.trim() : '';
	const rule = 'The Base URL must be an http:// or https:// address such as https://us6.api.mailchimp.com/3.0';
	if (text === '') {
		throw new ConnectionError(`${rule}, or empty to use Mailchimp. It is blank.`);
	}
	let parsed: URL | undefined;
	try {
		parsed = new URL(text);
	} catch {
		parsed = undefined;
	}
	if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw new ConnectionError(`${rule}, or empty to use Mailchimp.`);
	}
	if (parsed.hostname === '') {
		throw new ConnectionError(`${rule}: it has no host name.`);
	}
	if (parsed.username !== '' || parsed.password !== '') {
		throw new ConnectionError(`${rule}, without a user name or password in it.`);
	}
	if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(text)) {
		throw new ConnectionError(`${rule}, without a query (?) or fragment (#).`);
	}
	return text.replace(/\/+$/, '');
}

/** The credential's base URL, validated, or undefined when it is empty (use Mailchimp). */
export function baseUrlOverride(credentials: ConnectionCredentials): string | undefined {
	const value = credentials.baseUrl;
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string' && value.trim() === '') return undefined;
	return validateBaseUrl(value);
}

/** The API root for an API-key credential: its base URL if set, else Mailchimp's for the key's data center. */
export function apiRootFromApiKey(credentials: ConnectionCredentials): string {
	const override = baseUrlOverride(credentials);
	// The key is checked even with a base URL: a key without a data center is not a key.
	const dataCenter = dataCenterFromApiKey(credentials.apiKey);
	return override ?? mailchimpApiOrigin(dataCenter) + API_VERSION_PATH;
}

/**
 * The URL of the OAuth2 metadata endpoint: Mailchimp's, or the same path on the base URL's
 * origin when a base URL is set (a proxy or the simulator).
 */
export function metadataUrl(baseUrl?: string): string {
	if (baseUrl === undefined) return MAILCHIMP_METADATA_URL;
	return `${new URL(validateBaseUrl(baseUrl)).origin}/oauth2/metadata`;
}

/**
 * The API root for an OAuth2 credential from Mailchimp's metadata answer. Without a base
 * URL, `api_endpoint` must be exactly `https://<dc>.api.mailchimp.com` for a valid `dc`:
 * an answer pointing anywhere else is refused, since the token would be sent there.
 */
export function apiRootFromMetadata(metadata: unknown, baseUrl?: string): string {
	const answer: OAuthMetadata =
		typeof metadata === 'object' && metadata !== null ? (metadata as OAuthMetadata) : {};
	if (answer.error !== undefined) {
		throw new ConnectionError(
			answer.error === 'invalid_token'
				? 'Mailchimp did not accept the OAuth2 access token (invalid_token). Open the credential and reconnect it to Mailchimp.'
				: 'Mailchimp refused the OAuth2 metadata request. Open the credential and reconnect it to Mailchimp.',
		);
	}
	if (baseUrl !== undefined) return validateBaseUrl(baseUrl);

	const dataCenter = typeof answer.dc === 'string' ? answer.dc : '';
	if (!DATA_CENTER.test(dataCenter)) {
		throw new ConnectionError(
			'Mailchimp\'s OAuth2 metadata has no valid data center (such as "us6"). Reconnect the credential; if it persists, use an API key.',
		);
	}
	const expected = mailchimpApiOrigin(dataCenter);
	const endpoint = typeof answer.api_endpoint === 'string' ? answer.api_endpoint.replace(/\/+$/, '') : '';
	if (endpoint !== expected) {
		throw new ConnectionError(
			`Mailchimp's OAuth2 metadata points the API at an unexpected address instead of ${expected}. ` +
				'Nothing was sent there. If you use a proxy, set it as the credential\'s Base URL.',
		);
	}
	return expected + API_VERSION_PATH;
}

/** Refuses to go on unless the credential's data privacy and compliance notice is agreed to. */
export function assertConsent(credentials: ConnectionCredentials, credentialName?: string): void {
	if (credentials.consent === true) return;
	const where = credentialName ? `Credentials > ${credentialName}` : 'Credentials > your Mailchimp Segments credential';
	throw new ConnectionError(
		"Exporting is blocked: the Mailchimp credential's data privacy and compliance notice has not been agreed to. " +
			`Open the credential (${where}) and turn on '${CONSENT_LABEL}'.`,
	);
}

/** The credential fields that hold a secret: what no message, output or log line may contain. */
export interface SecretCredentials {
	apiKey?: unknown;
	clientSecret?: unknown;
	oauthTokenData?: unknown;
}

/** The API key, client secret, access token and refresh token of a credential. */
export function secretsOf(credentials: SecretCredentials | undefined): string[] {
	if (!credentials) return [];
	const tokens = (credentials.oauthTokenData ?? {}) as Record<string, unknown>;
	const candidates = [credentials.apiKey, credentials.clientSecret, tokens.access_token, tokens.refresh_token];
	return candidates.filter((value): value is string => typeof value === 'string');
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	return typeof error === 'string' ? error : 'Unknown error';
}
