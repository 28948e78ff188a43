// The wiring between n8n and the export core: parameters in, ProfileSource built from the
// input, one runExport, two outputs out. Consent is checked before any request is sent.

import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runExport } from '../core';
import type { ProfileSource } from '../core/types';
import { secretsOf } from '../transport/connection';
import { createRequestFn, credentialTypeFor } from '../transport/request';
import { toNodeError } from './errors';
import { errorOutputs, exportOutputs, summaryHint } from './output';
import { finishedMessage, logProgress } from './progress';
import { readParameters } from './parameters';
import { sleepUntilCancelled } from './sleep';
import { FilesSeen, binarySource, findFiles, itemsSource, mappedColumns } from './source';

export async function executeExport(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	let credentials: ICredentialDataDecryptedObject | undefined;
	try {
		const parameters = readParameters(this);
		credentials = await this.getCredentials<ICredentialDataDecryptedObject>(credentialTypeFor(parameters.authentication));
		// Refuses before any request unless the credential's consent toggle is on.
		const request = await createRequestFn(this, parameters.authentication, { requireConsent: true, credentials });

		const seen = new FilesSeen();
		const source: ProfileSource =
			parameters.input.kind === 'items'
				? itemsSource(items)
				: binarySource(
						this,
						findFiles(this, items, parameters.input.binaryProperty),
						parameters.input,
						mappedColumns(parameters.options),
						seen,
					);

		const nodeName = this.getNode().name;
		const result = await runExport(source, parameters.options, {
			request,
			sleep: sleepUntilCancelled,
			signal: this.getExecutionCancelSignal?.(),
			progress: logProgress(this.logger, nodeName),
		});
		this.logger?.info(finishedMessage(nodeName, result.summary), { node: nodeName });
		// A dry run shows each file's columns, for mapping them before a real run.
		const columns = result.summary.dryRun ? seen.columns : undefined;
		const hint = summaryHint(result.summary, columns);
		if (hint !== undefined) this.addExecutionHints(hint);
		return exportOutputs(result, items.length, (item, row) => seen.lines.lineOf(item, row), columns);
	} catch (caught) {
		const error = toNodeError(this.getNode(), caught, { secrets: secretsOf(credentials) });
		if (this.continueOnFail()) return errorOutputs(error.message, items.length);
		throw error;
	}
}
