// SPDX-License-Identifier: GPL-3.0-or-later
// data/openapi.json is valid OpenAPI 3.1, by the schema of the specification itself, and every
// $ref in it resolves. Run by meson test (suite "data"); prints TAP.
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';

const path = process.argv[2];
const document = JSON.parse(await readFile(path, 'utf8'));
const validator = new Validator();
const result = await validator.validate(document);

console.log('TAP version 13');
console.log('1..2');
if (result.valid && validator.version.startsWith('3.1')) {
  console.log(`ok 1 - ${path} is valid OpenAPI ${validator.version}`);
} else {
  console.log(`not ok 1 - ${path} is not valid OpenAPI 3.1`);
  for (const error of [].concat(result.errors ?? [])) {
    console.log(`# ${JSON.stringify(error)}`);
  }
}

try {
  validator.resolveRefs();
  console.log('ok 2 - every $ref resolves');
} catch (error) {
  console.log(`not ok 2 - a $ref does not resolve: ${error.message}`);
}
