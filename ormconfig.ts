import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseConfigFromEnv } from './src/config/database-config.js';
import { pinTimezoneToUtc } from './src/config/env.js';
import { buildDataSourceOptions } from './src/database/data-source-options.js';
import { ENTITIES } from './src/entities.js';

pinTimezoneToUtc();

/** The DataSource for the TypeORM CLI (`npm run migration:run`), with the app's own options. */
export default new DataSource(buildDataSourceOptions(databaseConfigFromEnv(), ENTITIES));
