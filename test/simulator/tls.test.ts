// The simulator over HTTPS, as Mailchimp serves: a client that trusts the certificate gets the
// same API; one that does not is refused before any request reaches it.
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { start, type Simulator } from './server';
import { selfSignedCertificate } from './tls';

let sim: Simulator | undefined;
const dir = mkdtempSync(join(tmpdir(), 'sim-tls-'));
afterEach(() => sim?.stop());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('serves the API over HTTPS with the certificate given', async () => {
	const certificate = selfSignedCertificate(dir);
	sim = await start({ tls: certificate });
	expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/3\.0$/);
	const trusted = new https.Agent({ ca: certificate.cert });
	const answer = await axios.get(`${sim.url}/lists`, { httpsAgent: trusted, proxy: false, auth: { username: 'any', password: sim.apiKey } });
	expect(answer.status).toBe(200);
	expect(answer.data).toMatchObject({ lists: [], total_items: 0 });
	await expect(axios.get(`${sim.url}/lists`, { proxy: false, auth: { username: 'any', password: sim.apiKey } })).rejects.toThrow(/self-signed certificate/);
	expect(sim.state.requestLog.filter((entry) => entry.path === '/3.0/lists')).toHaveLength(1);
});
