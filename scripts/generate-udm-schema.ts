/** Writes schemas/udm.schema.json from the vendored UDM protobuf definition. */

import { writeFileSync } from 'node:fs';
import { udmJsonSchema } from '../parsers/udm/json-schema';
import { UDM_SCHEMA_FILE } from '../parsers/udm/validate';

writeFileSync(UDM_SCHEMA_FILE, JSON.stringify(udmJsonSchema(), null, 1) + '\n');
console.log(`wrote ${UDM_SCHEMA_FILE}`);
