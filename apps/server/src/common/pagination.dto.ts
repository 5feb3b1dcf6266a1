import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** Postgres takes a bigint OFFSET, but no list holds 2^31 rows; bigger numbers are mistakes (or probes). */
export const MAX_OFFSET = 2_147_483_647;

/**
 * A query integer arrives as text: only plain decimal digits become a number. `1e19`, `1.5`,
 * `0x10`, `` and anything too long stay text and fail @IsInt, naming the parameter.
 */
export const QueryInteger = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,15}$/.test(value) ? Number(value) : value));

export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}

export interface Page<T> {
  data: T[];
  limit: number;
  offset: number;
  /** whether a next page exists (offset + limit) */
  hasMore: boolean;
}

/** Fetch one more row than asked to know whether there is a next page, without a count. */
export function toPage<T, R>(rows: T[], query: PageQueryDto, map: (row: T) => R): Page<R> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  return { data: rows.slice(0, limit).map(map), limit, offset: query.offset ?? 0, hasMore: rows.length > limit };
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** toPage for items already serialized (each one JSON value): the page as the JSON text sent */
export function pageJson(rows: string[], query: PageQueryDto): string {
  const { data, limit, offset, hasMore } = toPage(rows, query, (row) => row);
  return `{"data":[${data.join(',')}],"limit":${limit},"offset":${offset},"hasMore":${hasMore}}`;
}

export function pageWindow(query: PageQueryDto): { skip: number; take: number } {
  return { skip: query.offset ?? 0, take: (query.limit ?? DEFAULT_PAGE_SIZE) + 1 };
}

/** The OpenAPI shape of a page of `item`s, as a named schema (`WorkspacePage`, ...). */
export function PageOf<T>(item: new () => T, name: string): new () => Page<T> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: [item] })
    data!: T[];

    @ApiProperty({ type: 'integer' })
    limit!: number;

    @ApiProperty({ type: 'integer' })
    offset!: number;

    @ApiProperty({ description: 'whether another page follows' })
    hasMore!: boolean;
  }
  Object.defineProperty(PageDto, 'name', { value: name });
  return PageDto;
}
