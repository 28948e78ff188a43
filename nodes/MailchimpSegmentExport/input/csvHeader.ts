// The CSV header row: the column names, trimmed, each non-empty and unique. A header that is not
// is refused as a whole file (BAD_HEADER), naming the line and what is wrong.

import { listColumns } from './csvDiagnostics';
import { InputFileError } from './errors';

/** The header's column names, trimmed; throws InputFileError `BAD_HEADER` when they cannot name the columns. */
export function checkHeader(fields: readonly string[], line: number, malformed: string | undefined): string[] {
	if (malformed !== undefined) {
		throw new InputFileError(`The CSV header (line ${line}) is malformed: ${malformed}`, 'BAD_HEADER', line);
	}
	const names = fields.map((f) => f.trim());
	if (names.every((name) => name === '')) {
		throw new InputFileError(
			`The CSV header (line ${line}) is empty: the first line of the file must name the columns.`,
			'BAD_HEADER',
			line,
		);
	}
	const seen = new Map<string, number>();
	for (let i = 0; i < names.length; i++) {
		const name = names[i];
		if (name === '') {
			throw new InputFileError(
				`Column ${i + 1} of the CSV header (line ${line}) has no name. Columns found: ${listColumns(names)}.`,
				'BAD_HEADER',
				line,
			);
		}
		const first = seen.get(name);
		if (first !== undefined) {
			throw new InputFileError(
				`The CSV header (line ${line}) has two columns named ${JSON.stringify(name)} (columns ${first + 1} and ${i + 1}).`,
				'BAD_HEADER',
				line,
			);
		}
		seen.set(name, i);
	}
	return names;
}
