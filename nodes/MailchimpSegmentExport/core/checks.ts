// What a dry run can and cannot tell: the checks this node makes before writing, and the ones
// only Mailchimp makes when it is written to. A dry run's Summary carries both lists.

export interface DryRunChecks {
	/** Checked on every row in this dry run, exactly as a real export checks them. */
	byThisNode: string[];
	/** Only Mailchimp decides these, when it is written to: such rows can still come back on Rejected. */
	onlyByMailchimp: string[];
}

export const DRY_RUN_CHECKS: DryRunChecks = {
	byThisNode: [
		'The audience exists and the credential may read it',
		'Every mapped merge field exists in the audience, and every required merge field is mapped (unless Accept Members Missing Required Fields is on)',
		'Email syntax, with no accented or other non-ASCII characters before the @; one member per email in any letter case; consent; segment selection',
		"Each value converted to its merge field's type: numbers, dates and birthdays in the field's own format, zip codes of 5 digits, phone numbers, URLs, dropdown and radio choices, complete addresses, text of at most 255 characters",
		'The profile limit (Max Profiles)',
	],
	onlyByMailchimp: [
		'Addresses Mailchimp judges fake or invalid, or that signed up to too many lists recently',
		'Contacts held in a compliance state (unsubscribed, bounced, under review), permanently deleted, or archived',
		"Mailchimp's own rules for values beyond the ones above (its validation rules are not all published)",
		'Whether each tag is created and added (names, limits of the account), and availability and throttling when writing',
	],
};
