// What the user reads when a CSV file's columns are not what the mapping expects: the columns
// found, listed briefly, and the likely cause (another delimiter, a case difference, no header row).

/** The column names, quoted and shortened, at most 20 of them. */
export function listColumns(header: readonly string[]): string {
	const shown = header.slice(0, 20).map((h) => JSON.stringify(h.length > 60 ? `${h.slice(0, 57)}...` : h));
	return header.length > 20 ? `${shown.join(', ')} and ${header.length - 20} more` : shown.join(', ');
}

const DELIMITER_NAMES: Array<[string, string, string]> = [
	[';', 'semicolons', '";"'],
	['\t', 'tabs', 'Tab ("\\t")'],
	['|', 'vertical bars', '"|"'],
	[',', 'commas', '","'],
];

const LOOKS_LIKE_EMAIL = /^[^\s@",;]+@[^\s@",;]+\.[^\s@",;]+$/;

/**
 * A message for a CSV header without the expected column: lists the columns found, and suggests
 * the likely cause (another delimiter, a case difference, a file without a header row).
 */
export function describeMissingColumn(header: readonly string[], column: string): string {
	const wanted = column.trim();
	if (header.length === 0) {
		return `The CSV file has no column ${JSON.stringify(wanted)}: the file has no header row.`;
	}
	const parts = [
		`The CSV file has no column ${JSON.stringify(wanted)}. Columns found (${header.length}): ${listColumns(header)}.`,
	];
	const lower = wanted.toLowerCase();
	const sameButCase = header.find((h) => h.trim().toLowerCase() === lower);
	if (sameButCase !== undefined) {
		parts.push(`Column names are case-sensitive: did you mean ${JSON.stringify(sameButCase)}?`);
	}
	if (header.length === 1) {
		for (const [char, name, label] of DELIMITER_NAMES) {
			if (header[0].includes(char)) {
				parts.push(
					`The header was read as a single column containing ${name}: the file is probably delimited by ${name}; set the CSV delimiter to ${label}.`,
				);
				break;
			}
		}
	}
	if (header.some((h) => LOOKS_LIKE_EMAIL.test(h.trim()))) {
		parts.push(
			'The first line looks like data (it holds an email address): the file needs a header row naming the columns.',
		);
	}
	return parts.join(' ');
}
