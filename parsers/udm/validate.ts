/**
 * Validation of UDM events against the schema derived from Google's protobuf definition
 * (schemas/udm.schema.json). Returns problems as data: the UDM path and what is wrong.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const UDM_SCHEMA_FILE = path.join(__dirname, '..', '..', 'schemas', 'udm.schema.json');

export interface UdmProblem {
  /** JSON pointer into the event, such as `/principal/ip/0`. */
  path: string;
  message: string;
}

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv, ['ipv4', 'ipv6']);
  validator = ajv.compile(JSON.parse(readFileSync(UDM_SCHEMA_FILE, 'utf8')));
  return validator;
}

export function validateUdmEvent(event: unknown): UdmProblem[] {
  const validate = compiled();
  if (validate(event)) return [];
  return simplify(validate.errors ?? []);
}

/** One problem per path, leaving out the anyOf wrappers that repeat what their branches say. */
function simplify(errors: ErrorObject[]): UdmProblem[] {
  const seen = new Set<string>();
  const problems: UdmProblem[] = [];
  for (const error of errors) {
    const message = describe(error);
    const key = `${error.instancePath} ${message}`;
    if (seen.has(key) || error.keyword === 'format') continue;
    seen.add(key);
    problems.push({ path: error.instancePath || '/', message });
  }
  return problems;
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown UDM field '${String(error.params.additionalProperty)}'`;
    case 'enum':
      return `not a value of the enum (${JSON.stringify(error.data)})`;
    case 'pattern':
      return `${JSON.stringify(error.data)} does not match ${String(error.params.pattern)}`;
    case 'anyOf':
      return `${JSON.stringify(error.data)} is not an IP address`;
    case 'minProperties':
    case 'minItems':
    case 'minLength':
      return 'empty values must be omitted';
    default:
      return error.message ?? 'is invalid';
  }
}
