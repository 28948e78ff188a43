import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MAILCHIMP_CODES, REJECT_CODES } from '../../../nodes/MailchimpSegmentExport/core';

/** The README's table of rejection codes: code -> [when, what you can do]. */
function readmeTable(): Map<string, [string, string]> {
	const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
	const section = readme.split('### Codes of rejected rows')[1]?.split('\n### ')[0] ?? '';
	const rows = new Map<string, [string, string]>();
	for (const line of section.split('\n')) {
		const cells = /^\| `([^`]+)` \| (.*) \| (.*) \|$/.exec(line);
		if (cells) rows.set(cells[1], [cells[2], cells[3]]);
	}
	return rows;
}

describe('the catalogue of rejection codes', () => {
	const table = readmeTable();
	const catalogue = new Map<string, [string, string]>([
		...Object.entries(REJECT_CODES).map(([code, { when, action }]): [string, [string, string]] => [code, [when, action]]),
		['ERROR_...', [MAILCHIMP_CODES.when, MAILCHIMP_CODES.action]],
	]);

	it('the README lists every code of the catalogue, with its text', () => {
		for (const [code, texts] of catalogue) expect([code, table.get(code)]).toEqual([code, texts]);
	});

	it('the README lists no code the catalogue does not have', () => {
		expect([...table.keys()].filter((code) => !catalogue.has(code))).toEqual([]);
		expect(table.size).toBe(catalogue.size);
	});
});
