/** Ids arrive as strings from workflows: one that cannot be a row's id matches no row (instead of a Postgres cast error). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT = /^[1-9]\d{0,17}$/;

export const isUuid = (id: string): boolean => UUID.test(id);
/** job ids are bigserial numbers */
export const isJobId = (id: string): boolean => BIGINT.test(id);
