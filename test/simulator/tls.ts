// A self-signed certificate for 127.0.0.1, made by openssl, for the simulator's HTTPS
// (SimulatorOptions.tls): an RSA 2048 key, as public APIs such as Mailchimp's commonly serve.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificate {
	key: string;
	cert: string;
	keyPath: string;
	/** Trust it with NODE_EXTRA_CA_CERTS, or an agent's `ca`. */
	certPath: string;
}

export function selfSignedCertificate(dir: string): Certificate {
	mkdirSync(dir, { recursive: true });
	const keyPath = join(dir, 'simulator-key.pem');
	const certPath = join(dir, 'simulator-cert.pem');
	execFileSync(
		'openssl',
		['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath],
		// openssl's own message goes into the error when it fails.
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), keyPath, certPath };
}
