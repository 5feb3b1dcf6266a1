/**
 * The three synthetic streams: their JSON schemas (for discover) and the code that
 * writes record i's `data` as JSON bytes.
 *
 * Speed comes from copying few, long pieces: each lookup table below merges a random
 * choice with the constant JSON around it (e.g. one piece holds first name, last name
 * and the start of the email), so a record is ~20 copies plus some digits. Words need no
 * escaping (see words.ts); nothing here calls JSON.stringify or builds strings.
 */
import { AsciiBuilder, PIECE_SLACK_BYTES, piece, pieceTable, type Piece } from './ascii-builder.js';
import { RecordRng, hashString } from './random.js';
import { BASE_EPOCH_SECONDS, writeTimestampDigits } from './timestamps.js';
import {
  CITIES,
  CURRENCIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  PAYMENT_METHODS,
  PRODUCT_ADJECTIVES,
  PRODUCT_CATEGORIES,
  PRODUCT_MATERIALS,
  PRODUCT_NOUNS,
  PRODUCT_TAGS,
  PURCHASE_STATUSES,
  SALES_CHANNELS,
  STREET_NAMES,
  STREET_SUFFIXES,
  USER_TAGS,
} from './words.js';

export const SAMPLE_STREAM_NAMES = ['users', 'products', 'purchases'] as const;
export type SampleStreamName = (typeof SAMPLE_STREAM_NAMES)[number];

export const PRIMARY_KEY = 'id';
export const CURSOR_FIELD = 'updated_at';

/** Every data object starts like this; the read loop writes it together with the record envelope. */
export const DATA_OPENING = '{"id":';

/** No record's data is longer than this (a test checks it); output buffers reserve it. */
export const MAX_DATA_BYTES = 2048;

/**
 * Record i of every stream was last updated at BASE + i seconds: the cursor is strictly
 * increasing with the index, so records added by a larger `count` are always "newer".
 */
export function updatedAtSeconds(index: number): number {
  return BASE_EPOCH_SECONDS + index;
}

/** The index of the first record whose cursor is after `cursorSeconds`. */
export function firstIndexAfter(cursorSeconds: number): number {
  return Math.max(0, cursorSeconds - BASE_EPOCH_SECONDS + 1);
}

export interface SampleStream {
  name: SampleStreamName;
  jsonSchema: Record<string, unknown>;
  /**
   * Writes record `index`'s data object from its id value on (DATA_OPENING is already
   * written); `rng` is already seeded for this record.
   */
  writeData(index: number, rng: RecordRng, out: AsciiBuilder): void;
}

// --- JSON schema helpers -----------------------------------------------------------

const integer = { type: 'integer' };
const number = { type: 'number' };
const boolean = { type: 'boolean' };
const string = { type: 'string' };
const nullableString = { type: ['null', 'string'] };
const timestamp = { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
const nullableTimestamp = { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
const stringArray = { type: 'array', items: string };

function objectSchema(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', additionalProperties: true, required, properties };
}

function streamSchema(properties: Record<string, unknown>): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...objectSchema(properties, [PRIMARY_KEY, CURSOR_FIELD]) };
}

// --- shared helpers ------------------------------------------------------------------

const DAY_SECONDS = 86_400;
const MAX_TAGS = 3;

function at(table: readonly Piece[], i: number): Piece {
  return table[i] as Piece;
}

/**
 * Every JSON array of 0..MAX_TAGS distinct words from a 10-word list, as pieces with
 * `before` and `after` around them: entry 0 is empty, then per length 10 start words
 * (stride 3 is coprime with 10, so the words of one array are distinct).
 */
function tagArrayTable(words: readonly string[], before: string, after: string): Piece[] {
  const table = [piece(`${before}[]${after}`)];
  for (let count = 1; count <= MAX_TAGS; count++) {
    for (let start = 0; start < words.length; start++) {
      const chosen = Array.from({ length: count }, (_, j) => `"${words[(start + j * 3) % words.length]}"`);
      table.push(piece(`${before}[${chosen.join(',')}]${after}`));
    }
  }
  return table;
}

function tagArrayIndex(rng: RecordRng, wordCount: number): number {
  const count = rng.below(MAX_TAGS + 1);
  return count === 0 ? 0 : 1 + (count - 1) * wordCount + rng.below(wordCount);
}

// --- users ----------------------------------------------------------------------------

/** `,"first_name":"Ada","last_name":"Smith","email":"ada.smith` for every pair */
const USER_NAMES = pieceTable(FIRST_NAMES.length * LAST_NAMES.length, (i) => {
  const first = FIRST_NAMES[Math.floor(i / LAST_NAMES.length)] as string;
  const last = LAST_NAMES[i % LAST_NAMES.length] as string;
  return `,"first_name":"${first}","last_name":"${last}","email":"${first.toLowerCase()}.${last.toLowerCase()}`;
});
const USER_DOMAINS = pieceTable(EMAIL_DOMAINS.length, (i) => `@${EMAIL_DOMAINS[i]}","phone":`);
const USER_NO_PHONE = piece('null,"age":');
const USER_PHONE_OPEN = piece('"+1-555-');
const USER_PHONE_CLOSE = piece('","age":');
const USER_ACTIVE = [piece(',"is_active":false,"balance":'), piece(',"is_active":true,"balance":')];
const USER_CREATED = piece(',"created_at":"');
const USER_UPDATED = piece('Z","updated_at":"');
const USER_STREET_OPEN = piece('Z","address":{"street":"');
const USER_STREETS = pieceTable(
  STREET_NAMES.length * STREET_SUFFIXES.length,
  (i) => ` ${STREET_NAMES[Math.floor(i / STREET_SUFFIXES.length)]} ${STREET_SUFFIXES[i % STREET_SUFFIXES.length]}","city":"`,
);
const USER_CITIES = pieceTable(CITIES.length, (i) => `${CITIES[i]?.[0]}","postal_code":"`);
const USER_COUNTRIES = pieceTable(CITIES.length, (i) => `","country_code":"${CITIES[i]?.[1]}"},"tags":`);
const USER_TAG_ARRAYS = tagArrayTable(USER_TAGS, '', '}');

const users: SampleStream = {
  name: 'users',
  jsonSchema: streamSchema({
    id: integer,
    first_name: string,
    last_name: string,
    email: string,
    phone: nullableString,
    age: integer,
    is_active: boolean,
    balance: number,
    created_at: timestamp,
    updated_at: timestamp,
    address: objectSchema({ street: string, city: string, postal_code: string, country_code: string }),
    tags: stringArray,
  }),
  writeData(index, rng, out) {
    const id = index + 1;
    const updated = updatedAtSeconds(index);
    out.uint(id);
    out.piece(at(USER_NAMES, rng.below(USER_NAMES.length)));
    out.uint(id);
    out.piece(at(USER_DOMAINS, rng.below(USER_DOMAINS.length)));
    if (rng.chance(30)) out.piece(USER_NO_PHONE);
    else {
      out.piece(USER_PHONE_OPEN);
      out.uint(rng.between(1000, 9999));
      out.piece(USER_PHONE_CLOSE);
    }
    out.uint(rng.between(18, 90));
    out.piece(at(USER_ACTIVE, rng.chance(85) ? 1 : 0));
    out.cents(rng.below(1_000_000));
    out.piece(USER_CREATED);
    writeTimestampDigits(out, updated - rng.below(400 * DAY_SECONDS));
    out.piece(USER_UPDATED);
    writeTimestampDigits(out, updated);
    out.piece(USER_STREET_OPEN);
    out.uint(rng.between(1, 9999));
    out.piece(at(USER_STREETS, rng.below(USER_STREETS.length)));
    const city = rng.below(CITIES.length);
    out.piece(at(USER_CITIES, city));
    out.uint(rng.between(10000, 99999));
    out.piece(at(USER_COUNTRIES, city));
    out.piece(at(USER_TAG_ARRAYS, tagArrayIndex(rng, USER_TAGS.length)));
  },
};

// --- products -------------------------------------------------------------------------

const PRODUCT_SKU = piece(',"sku":"SKU-');
/** `","name":"Sleek Steel Chair","category":"` for every adjective, material and noun */
const PRODUCT_NAMES = pieceTable(PRODUCT_ADJECTIVES.length * PRODUCT_MATERIALS.length * PRODUCT_NOUNS.length, (i) => {
  const noun = PRODUCT_NOUNS[i % PRODUCT_NOUNS.length];
  const material = PRODUCT_MATERIALS[Math.floor(i / PRODUCT_NOUNS.length) % PRODUCT_MATERIALS.length];
  const adjective = PRODUCT_ADJECTIVES[Math.floor(i / (PRODUCT_NOUNS.length * PRODUCT_MATERIALS.length))];
  return `","name":"${adjective} ${material} ${noun}","category":"`;
});
const PRODUCT_CATEGORY_PRICE = pieceTable(PRODUCT_CATEGORIES.length, (i) => `${PRODUCT_CATEGORIES[i]}","price":`);
/** `,"currency":"USD","in_stock":true,"stock_quantity":` per currency and stock flag */
const PRODUCT_CURRENCY_STOCK = pieceTable(
  CURRENCIES.length * 2,
  (i) => `,"currency":"${CURRENCIES[i >> 1]}","in_stock":${(i & 1) === 1},"stock_quantity":`,
);
const PRODUCT_RATING = piece(',"rating":');
const PRODUCT_WIDTH = piece(',"dimensions":{"width_cm":');
const PRODUCT_HEIGHT = piece(',"height_cm":');
const PRODUCT_DEPTH = piece(',"depth_cm":');
const PRODUCT_WEIGHT = piece(',"weight_kg":');
const PRODUCT_TAG_ARRAYS = tagArrayTable(PRODUCT_TAGS, '},"tags":', ',"created_at":"');
const PRODUCT_UPDATED = piece('Z","updated_at":"');
const CLOSE_TIMESTAMP_AND_OBJECT = piece('Z"}');

const products: SampleStream = {
  name: 'products',
  jsonSchema: streamSchema({
    id: integer,
    sku: string,
    name: string,
    category: string,
    price: number,
    currency: string,
    in_stock: boolean,
    stock_quantity: integer,
    rating: number,
    dimensions: objectSchema({ width_cm: number, height_cm: number, depth_cm: number, weight_kg: number }),
    tags: stringArray,
    created_at: timestamp,
    updated_at: timestamp,
  }),
  writeData(index, rng, out) {
    const id = index + 1;
    const updated = updatedAtSeconds(index);
    out.uint(id);
    out.piece(PRODUCT_SKU);
    out.uint(1_000_000 + id);
    out.piece(at(PRODUCT_NAMES, rng.below(PRODUCT_NAMES.length)));
    out.piece(at(PRODUCT_CATEGORY_PRICE, rng.below(PRODUCT_CATEGORY_PRICE.length)));
    out.cents(rng.between(99, 99_999));
    const stock = rng.chance(20) ? 0 : rng.between(1, 500);
    out.piece(at(PRODUCT_CURRENCY_STOCK, rng.below(CURRENCIES.length) * 2 + (stock > 0 ? 1 : 0)));
    out.uint(stock);
    out.piece(PRODUCT_RATING);
    out.tenths(rng.between(10, 50));
    out.piece(PRODUCT_WIDTH);
    out.tenths(rng.between(10, 2000));
    out.piece(PRODUCT_HEIGHT);
    out.tenths(rng.between(10, 2000));
    out.piece(PRODUCT_DEPTH);
    out.tenths(rng.between(10, 2000));
    out.piece(PRODUCT_WEIGHT);
    out.cents(rng.between(5, 5000));
    out.piece(at(PRODUCT_TAG_ARRAYS, tagArrayIndex(rng, PRODUCT_TAGS.length)));
    writeTimestampDigits(out, updated - rng.below(700 * DAY_SECONDS));
    out.piece(PRODUCT_UPDATED);
    writeTimestampDigits(out, updated);
    out.piece(CLOSE_TIMESTAMP_AND_OBJECT);
  },
};

// --- purchases ------------------------------------------------------------------------

const PURCHASE_USER_ID = piece(',"user_id":');
const PURCHASE_PRODUCT_ID = piece(',"product_id":');
const PURCHASE_QUANTITY = piece(',"quantity":');
const PURCHASE_UNIT_PRICE = piece(',"unit_price":');
const PURCHASE_TOTAL = piece(',"total":');
const DELIVERED = PURCHASE_STATUSES.indexOf('delivered');
/** `,"currency":"EUR","status":"paid","payment_method":"card","channel":"web","purchased_at":"` */
const PURCHASE_LABELS = pieceTable(CURRENCIES.length * PURCHASE_STATUSES.length * PAYMENT_METHODS.length * SALES_CHANNELS.length, (i) => {
  const channel = SALES_CHANNELS[i % SALES_CHANNELS.length];
  const payment = PAYMENT_METHODS[Math.floor(i / SALES_CHANNELS.length) % PAYMENT_METHODS.length];
  const status = PURCHASE_STATUSES[Math.floor(i / (SALES_CHANNELS.length * PAYMENT_METHODS.length)) % PURCHASE_STATUSES.length];
  const currency = CURRENCIES[Math.floor(i / (SALES_CHANNELS.length * PAYMENT_METHODS.length * PURCHASE_STATUSES.length))];
  return `,"currency":"${currency}","status":"${status}","payment_method":"${payment}","channel":"${channel}","purchased_at":"`;
});
const PURCHASE_DELIVERED_OPEN = piece('Z","delivered_at":"');
const shippingTo = (i: number) => `,"shipping_address":{"city":"${CITIES[i]?.[0]}","country_code":"${CITIES[i]?.[1]}"},"coupon_codes":`;
const PURCHASE_DELIVERED_CLOSE_ADDRESS = pieceTable(CITIES.length, (i) => `Z"${shippingTo(i)}`);
const PURCHASE_NOT_DELIVERED_ADDRESS = pieceTable(CITIES.length, (i) => `Z","delivered_at":null${shippingTo(i)}`);
const PURCHASE_NO_COUPON = piece('[],"updated_at":"');
const PURCHASE_COUPON_OPEN = piece('["SAVE');
const PURCHASE_COUPON_CLOSE = piece('"],"updated_at":"');

const purchases: SampleStream = {
  name: 'purchases',
  jsonSchema: streamSchema({
    id: integer,
    user_id: integer,
    product_id: integer,
    quantity: integer,
    unit_price: number,
    total: number,
    currency: string,
    status: string,
    payment_method: string,
    channel: string,
    purchased_at: timestamp,
    delivered_at: nullableTimestamp,
    shipping_address: objectSchema({ city: string, country_code: string }),
    coupon_codes: stringArray,
    updated_at: timestamp,
  }),
  writeData(index, rng, out) {
    const id = index + 1;
    const updated = updatedAtSeconds(index);
    const quantity = rng.between(1, 5);
    const unitCents = rng.between(99, 49_999);
    const purchased = updated - rng.below(30 * DAY_SECONDS);
    out.uint(id);
    // ids never above this purchase's own id: with the same `count` for every stream the
    // referenced user and product always exist, and the value does not depend on `count`
    out.piece(PURCHASE_USER_ID);
    out.uint(1 + rng.below(id));
    out.piece(PURCHASE_PRODUCT_ID);
    out.uint(1 + rng.below(id));
    out.piece(PURCHASE_QUANTITY);
    out.uint(quantity);
    out.piece(PURCHASE_UNIT_PRICE);
    out.cents(unitCents);
    out.piece(PURCHASE_TOTAL);
    out.cents(unitCents * quantity);
    const labels = rng.below(PURCHASE_LABELS.length);
    out.piece(at(PURCHASE_LABELS, labels));
    writeTimestampDigits(out, purchased);
    const status = Math.floor(labels / (SALES_CHANNELS.length * PAYMENT_METHODS.length)) % PURCHASE_STATUSES.length;
    const city = rng.below(CITIES.length);
    if (status === DELIVERED) {
      out.piece(PURCHASE_DELIVERED_OPEN);
      writeTimestampDigits(out, purchased + rng.between(DAY_SECONDS, 10 * DAY_SECONDS));
      out.piece(at(PURCHASE_DELIVERED_CLOSE_ADDRESS, city));
    } else {
      out.piece(at(PURCHASE_NOT_DELIVERED_ADDRESS, city));
    }
    if (rng.chance(80)) out.piece(PURCHASE_NO_COUPON);
    else {
      out.piece(PURCHASE_COUPON_OPEN);
      out.uint(rng.between(5, 50));
      out.piece(PURCHASE_COUPON_CLOSE);
    }
    writeTimestampDigits(out, updated);
    out.piece(CLOSE_TIMESTAMP_AND_OBJECT);
  },
};

export const SAMPLE_STREAMS: Record<SampleStreamName, SampleStream> = { users, products, purchases };

export function isSampleStreamName(name: string): name is SampleStreamName {
  return (SAMPLE_STREAM_NAMES as readonly string[]).includes(name);
}

/** each stream draws its own random sequence from the same seed */
export function streamSalt(stream: SampleStream): number {
  return hashString(stream.name);
}

/** record `index`'s data as a string: for tests and tools, not the hot path */
export function sampleDataText(stream: SampleStream, seed: number, index: number): string {
  const out = new AsciiBuilder(Buffer.alloc(MAX_DATA_BYTES + PIECE_SLACK_BYTES));
  out.ascii(DATA_OPENING);
  stream.writeData(index, new RecordRng().reset(seed, streamSalt(stream), index), out);
  return out.buf.toString('utf8', 0, out.pos);
}
