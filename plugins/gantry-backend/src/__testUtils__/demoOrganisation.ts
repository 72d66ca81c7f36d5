import { Entity } from '@backstage/catalog-model';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The demo organisation of the repository's catalog-info.yaml, as catalog entities. */
export function demoOrganisation(): Entity[] {
  const file = path.resolve(__dirname, '../../../../catalog-info.yaml');
  return parseAllDocuments(readFileSync(file, 'utf8')).map(
    doc => doc.toJS() as Entity,
  );
}
