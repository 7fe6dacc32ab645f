// Writes prisma/postgresql/schema.prisma from prisma/sqlite/schema.prisma (the source of truth).
import { readFileSync, writeFileSync } from 'node:fs';
import { postgresSchemaFrom } from '../src/storage/schema-variants.js';
import { schemaPath } from '../src/storage/migrations.js';

writeFileSync(schemaPath('postgresql'), postgresSchemaFrom(readFileSync(schemaPath('sqlite'), 'utf8')));
console.log(`wrote ${schemaPath('postgresql')}`);
