/**
 * Word lists for synthetic records. Records are assembled from pre-encoded pieces
 * without JSON.stringify, so every entry must be plain ASCII with no quote, backslash
 * or control character (a unit test checks this): then `"${word}"` is already valid JSON.
 */

// prettier-ignore
export const FIRST_NAMES = [
  'Ada', 'Alan', 'Alice', 'Amara', 'Andre', 'Anna', 'Arjun', 'Ava', 'Beatriz', 'Ben', 'Carlos', 'Chen', 'Chloe',
  'Daniel', 'David', 'Diego', 'Elena', 'Emma', 'Ethan', 'Fatima', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines',
  'Isaac', 'Jack', 'Jamal', 'Julia', 'Kai', 'Kenji', 'Laura', 'Leila', 'Liam', 'Lucas', 'Maya', 'Mei', 'Mia',
  'Mohamed', 'Nadia', 'Noah', 'Nora', 'Olga', 'Omar', 'Oscar', 'Priya', 'Rafael', 'Rosa', 'Sam', 'Sara',
  'Sofia', 'Tariq', 'Theo', 'Tomas', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe',
] as const;

// prettier-ignore
export const LAST_NAMES = [
  'Abbott', 'Adeyemi', 'Alvarez', 'Andersen', 'Baker', 'Becker', 'Bianchi', 'Brown', 'Chen', 'Cohen', 'Costa',
  'Diaz', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Gonzalez', 'Gupta', 'Hansen', 'Hernandez', 'Ibrahim', 'Ito',
  'Jensen', 'Johnson', 'Kim', 'Kowalski', 'Kumar', 'Larsen', 'Lee', 'Lopez', 'Martin', 'Meyer', 'Moreau',
  'Muller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Perez', 'Petrov', 'Rossi', 'Santos',
  'Schmidt', 'Silva', 'Singh', 'Smith', 'Sato', 'Tanaka', 'Taylor', 'Thompson', 'Wagner', 'Walker', 'Wang',
  'Weber', 'Williams', 'Wilson', 'Yilmaz', 'Zhang',
] as const;

// prettier-ignore
export const EMAIL_DOMAINS = [
  'example.com', 'example.org', 'example.net', 'mail.example.com', 'inbox.example.org', 'corp.example.net',
] as const;

// prettier-ignore
export const STREET_NAMES = [
  'Oak', 'Maple', 'Cedar', 'Pine', 'Elm', 'Willow', 'Birch', 'Chestnut', 'Lake', 'Hill', 'Park', 'River',
  'Sunset', 'Highland', 'Meadow', 'Forest', 'Harbor', 'Mill', 'Church', 'Station', 'Market', 'King', 'Queen',
  'Victoria', 'Garden', 'Spring', 'Bridge', 'Orchard', 'Valley', 'Ridge',
] as const;

// prettier-ignore
export const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Way', 'Court', 'Place', 'Boulevard', 'Terrace'] as const;

/** [city, country code] pairs, so addresses are at least internally consistent */
// prettier-ignore
export const CITIES = [
  ['Amsterdam', 'NL'], ['Athens', 'GR'], ['Austin', 'US'], ['Bangalore', 'IN'], ['Barcelona', 'ES'],
  ['Berlin', 'DE'], ['Boston', 'US'], ['Buenos Aires', 'AR'], ['Cairo', 'EG'], ['Cape Town', 'ZA'],
  ['Chicago', 'US'], ['Copenhagen', 'DK'], ['Dublin', 'IE'], ['Helsinki', 'FI'], ['Istanbul', 'TR'],
  ['Jakarta', 'ID'], ['Lagos', 'NG'], ['Lisbon', 'PT'], ['London', 'GB'], ['Los Angeles', 'US'],
  ['Lyon', 'FR'], ['Madrid', 'ES'], ['Melbourne', 'AU'], ['Mexico City', 'MX'], ['Milan', 'IT'],
  ['Montreal', 'CA'], ['Mumbai', 'IN'], ['Munich', 'DE'], ['Nairobi', 'KE'], ['New York', 'US'],
  ['Osaka', 'JP'], ['Oslo', 'NO'], ['Paris', 'FR'], ['Prague', 'CZ'], ['Rome', 'IT'], ['Sao Paulo', 'BR'],
  ['Seattle', 'US'], ['Seoul', 'KR'], ['Singapore', 'SG'], ['Stockholm', 'SE'], ['Sydney', 'AU'],
  ['Tokyo', 'JP'], ['Toronto', 'CA'], ['Vancouver', 'CA'], ['Vienna', 'AT'], ['Warsaw', 'PL'], ['Zurich', 'CH'],
] as const;

// prettier-ignore
export const USER_TAGS = [
  'newsletter', 'vip', 'beta', 'churn-risk', 'early-adopter', 'wholesale', 'mobile', 'referral', 'student', 'b2b',
] as const;

// prettier-ignore
export const PRODUCT_ADJECTIVES = [
  'Ergonomic', 'Rustic', 'Sleek', 'Compact', 'Durable', 'Handcrafted', 'Lightweight', 'Modern', 'Vintage',
  'Premium', 'Practical', 'Elegant', 'Portable', 'Smart', 'Classic', 'Refined',
] as const;

// prettier-ignore
export const PRODUCT_MATERIALS = [
  'Steel', 'Wooden', 'Cotton', 'Leather', 'Bamboo', 'Ceramic', 'Granite', 'Aluminum', 'Wool', 'Glass', 'Rubber',
  'Linen', 'Copper', 'Recycled',
] as const;

// prettier-ignore
export const PRODUCT_NOUNS = [
  'Chair', 'Table', 'Lamp', 'Backpack', 'Mug', 'Keyboard', 'Headphones', 'Bottle', 'Jacket', 'Shoes', 'Watch',
  'Notebook', 'Blanket', 'Speaker', 'Wallet', 'Desk', 'Bicycle', 'Kettle', 'Pillow', 'Umbrella',
] as const;

// prettier-ignore
export const PRODUCT_CATEGORIES = [
  'Home', 'Office', 'Outdoors', 'Electronics', 'Clothing', 'Kitchen', 'Sports', 'Travel', 'Garden', 'Toys',
] as const;

// prettier-ignore
export const PRODUCT_TAGS = [
  'bestseller', 'eco', 'new', 'sale', 'limited', 'gift', 'handmade', 'imported', 'refurbished', 'bundle',
] as const;

// prettier-ignore
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD'] as const;

// prettier-ignore
export const PURCHASE_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'] as const;

// prettier-ignore
export const PAYMENT_METHODS = ['card', 'paypal', 'bank_transfer', 'gift_card', 'apple_pay'] as const;

// prettier-ignore
export const SALES_CHANNELS = ['web', 'ios', 'android', 'store', 'phone'] as const;
