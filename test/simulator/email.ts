// Email checks of the batch upsert: syntax, the "looks fake" rule, and the member id.
import { hash } from 'node:crypto';

// ASCII before the @, any script in the domain (Mailchimp help, "international characters").
const EMAIL = /^[!#-'*+\-./0-9=?A-Z^-~]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,}|xn--[a-z0-9-]+)$/iu;

/**
 * Mailchimp's real rule is unpublished. The simulator's small one: any address at test.com,
 * fake.com or invalid.com, and the local parts test, fake, asdf at example.com/.org/.net.
 * Other example.com addresses are accepted so tests can use them.
 */
const FAKE_DOMAINS = new Set(['test.com', 'fake.com', 'invalid.com']);
const EXAMPLE_DOMAINS = new Set(['example.com', 'example.org', 'example.net']);
const FAKE_LOCAL_PARTS = new Set(['test', 'fake', 'asdf']);

export function isValidEmail(email: string): boolean {
	return email.length <= 254 && EMAIL.test(email);
}

export function looksFake(email: string): boolean {
	const at = email.lastIndexOf('@');
	const local = email.slice(0, at).toLowerCase();
	const domain = email.slice(at + 1).toLowerCase();
	return FAKE_DOMAINS.has(domain) || (EXAMPLE_DOMAINS.has(domain) && FAKE_LOCAL_PARTS.has(local));
}

/** The member id: MD5 hex of the lower-cased address. */
export function subscriberHash(email: string): string {
	return hash('md5', email.toLowerCase());
}
