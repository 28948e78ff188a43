// `npm run test:unit:n8n2`: the unit tests again on the Node.js n8n 2.x runs on (24, installed by
// the e2e harness into its cache), where the core meets another V8 and another Node.js (its
// Buffer, TextDecoder, structuredClone and streams) than on this machine's Node. Arguments go to jest.
import { spawnSync } from 'node:child_process';

import { ensureNode } from '../test/e2e/harness/install';
import { LINES } from '../test/e2e/harness/lines';

const node = ensureNode(LINES[2], (line) => process.stderr.write(`[node] ${line}\n`));
const jest = require.resolve('jest/bin/jest');
const run = spawnSync(node.bin, [jest, ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
