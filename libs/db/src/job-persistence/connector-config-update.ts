/**
 * A connector's own new configuration (CONTROL CONNECTOR_CONFIG, e.g. a rotated OAuth refresh
 * token): validated against its spec, secrets encrypted, saved in place of the old one, which is
 * kept as the previous configuration. An invalid one is refused and the stored one stays.
 */
import { DomainError, ErrorCode, notFound, sameJson } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import { ConfigValidator } from '../config-validation.js';
import { ActorEntity } from '../entities/index.js';
import { decryptConfig, encryptConfig, specSecretValues } from '../secrets/index.js';

const validator = new ConfigValidator();

export async function saveConnectorConfig(
  dataSource: DataSource,
  key: Buffer,
  actorId: string,
  config: Record<string, unknown>,
): Promise<{ secretValues: string[]; changedFields: string[] }> {
  return dataSource.transaction(async (manager) => {
    const actor = await manager
      .getRepository(ActorEntity)
      .findOne({ where: { id: actorId }, relations: { definition: true }, lock: { mode: 'pessimistic_write', tables: ['actor'] } });
    if (!actor?.definition) throw notFound('source or destination', actorId);
    const spec = actor.definition.spec?.connectionSpecification;
    if (!spec) throw new DomainError(ErrorCode.SpecUnavailable, `the spec of ${actor.definition.name} is not known: the new configuration cannot be checked`);
    validator.validate(`${actor.definition.id}@${actor.definition.version}`, spec, config);
    const previous = decryptConfig(key, actor.id, actor.configuration);
    const changedFields = [...new Set([...Object.keys(previous), ...Object.keys(config)])]
      .filter((field) => !sameJson(previous[field], config[field]))
      .sort();
    await manager.query(
      `UPDATE actor SET previous_configuration = configuration, configuration = $2::jsonb, configuration_updated_by_connector_at = now(), updated_at = now() WHERE id = $1`,
      [actor.id, JSON.stringify(encryptConfig(key, actor.id, spec, config))],
    );
    return { secretValues: [...specSecretValues(spec, config)], changedFields };
  });
}
