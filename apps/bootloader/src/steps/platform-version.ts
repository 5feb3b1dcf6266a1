import type { EntityManager } from 'typeorm';
import { PlatformMetadataEntity } from '@tributary/db';
import { compareVersions } from '../version-compare.js';

export const VERSION_KEY = 'version';

/** The version stamped by the last successful bootloader run; undefined on a fresh database. */
export async function storedVersion(manager: EntityManager): Promise<string | undefined> {
  const [{ exists }] = (await manager.query(`SELECT to_regclass('public.platform_metadata') IS NOT NULL AS exists`)) as [{ exists: boolean }];
  if (!exists) return undefined;
  const row = await manager.findOneBy(PlatformMetadataEntity, { key: VERSION_KEY });
  return row?.value;
}

/** Running older code on a database a newer version already migrated could corrupt it. */
export function refuseDowngrade(stored: string | undefined, code: string): void {
  if (stored !== undefined && compareVersions(stored, code) > 0) {
    throw new Error(`refusing to downgrade: the database was set up by Tributary ${stored}, this is ${code}. Run ${stored} or newer.`);
  }
}

/** Returns whether the stamp changed. */
export async function stampVersion(manager: EntityManager, version: string): Promise<boolean> {
  const current = await manager.findOneBy(PlatformMetadataEntity, { key: VERSION_KEY });
  if (current?.value === version) return false;
  await manager.save(PlatformMetadataEntity, { key: VERSION_KEY, value: version });
  return true;
}
