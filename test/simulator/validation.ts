// Validates bodies against the vendored API definition's `components.schemas` with ajv.
// The definition is loaded once, adjusted as spec/README.md lists, and each schema is
// compiled once on first use.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldError } from './problem';

export const SPEC_PATH = join(__dirname, 'spec', 'marketing-openapi-3.0.81.json');
const SPEC_ID = 'mailchimp-marketing';
const BATCH_LIMIT = 500;

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> };

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function loadSpec(): { components: { schemas: Record<string, Schema> } } {
	const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
	const schemas: Record<string, Schema> = spec.components.schemas;

	const member = schemas.Add_List_Members.properties!;
	member.status_if_new = { ...member.status, title: 'New Member Status' };
	member.tags = { type: 'array', items: { type: 'string' } };
	schemas.Members_to_Subscribe_Unsubscribe_to_from_a_List_in_batch.properties!.members.maxItems =
		BATCH_LIMIT;
	const segment = schemas.Members_to_add_remove_to_from_a_static_segment.properties!;
	segment.members_to_add.maxItems = BATCH_LIMIT;
	segment.members_to_remove.maxItems = BATCH_LIMIT;

	// A member's status can be archived: the members list filters by it, and a read of an
	// archived contact answers it; the definition's member status enum leaves it out.
	for (const schema of Object.values(schemas)) {
		const answer = schema.properties?.unique_email_id !== undefined;
		const memberStatus = schema.properties?.status as { enum?: string[] } | undefined;
		if (answer && memberStatus?.enum?.includes('transactional') && !memberStatus.enum.includes('archived')) memberStatus.enum.push('archived');
	}

	// The definition types every merge value as an object; real values are mostly strings.
	for (const schema of Object.values(schemas)) {
		const values = schema.properties?.merge_fields?.additionalProperties as Schema | undefined;
		if (values?.type === 'object') delete values.type;
	}
	return spec;
}

function instance(): Ajv {
	if (!ajv) {
		ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
		addFormats(ajv);
		ajv.addFormat('Promo date-time', true);
		ajv.addSchema(loadSpec(), SPEC_ID);
	}
	return ajv;
}

function validator(schemaName: string): ValidateFunction {
	let validate = compiled.get(schemaName);
	if (!validate) {
		validate = instance().compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
		compiled.set(schemaName, validate);
	}
	return validate;
}

function toFieldError(error: ErrorObject): FieldError {
	const path = error.instancePath.split('/').slice(1);
	if (error.keyword === 'required') path.push(String(error.params.missingProperty));
	return { field: path.join('.'), message: error.message ?? 'is invalid' };
}

/** Field errors of `body` against `components.schemas[schemaName]`; empty when valid. */
export function schemaErrors(schemaName: string, body: unknown): FieldError[] {
	const validate = validator(schemaName);
	return validate(body) ? [] : (validate.errors ?? []).map(toFieldError);
}
