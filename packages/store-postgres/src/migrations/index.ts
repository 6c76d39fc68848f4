import type { MigrationObject } from '@mikro-orm/core';
import { InitialSchema20261125 } from './initial-schema';

// Every migration, oldest first. Add new ones at the end; never edit one that has shipped.
export const migrations: MigrationObject[] = [
  { name: 'InitialSchema20261125', class: InitialSchema20261125 },
];
