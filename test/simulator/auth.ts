// Which credential a request carries: an API key (Basic or `apikey`) or an OAuth token (Bearer).

export type AuthResult = { credential: string } | { missing: boolean };

export function authenticate(header: string | undefined, apiKey: string, oauthToken?: string): AuthResult {
	if (!header) return { missing: true };
	const space = header.indexOf(' ');
	const scheme = header.slice(0, space).toLowerCase();
	const value = header.slice(space + 1).trim();
	if (scheme === 'basic') {
		const decoded = Buffer.from(value, 'base64').toString('utf8');
		const key = decoded.slice(decoded.indexOf(':') + 1);
		if (key === apiKey) return { credential: key };
	} else if (scheme === 'apikey' && value === apiKey) {
		return { credential: value };
	} else if (scheme === 'bearer' && oauthToken !== undefined && value === oauthToken) {
		return { credential: value };
	}
	return { missing: false };
}
