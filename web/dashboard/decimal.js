// Exact decimal arithmetic for the dashboard's money: the API sends every notional as decimal text
// with at most 8 places (docs/api.md), so a BigInt of units of 10^-8 holds any of them, and any sum
// of them, exactly. parseFloat would round 0.1 + 0.2 and anything past 2^53 units; these never do.
// Number() is used only where a chart needs coordinates, never for what a table shows.

export const SCALE = 8;
const UNIT = 10n ** BigInt(SCALE);
const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Decimal text ("-1234.5") → BigInt in units of 10^-8. Throws on anything else. */
export function parseDecimal(text) {
  const m = DECIMAL_RE.exec(String(text));
  if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const [, sign, int, frac = ''] = m;
  if (frac.length > SCALE) throw new RangeError(`more than ${SCALE} decimal places: ${text}`);
  const v = BigInt(int) * UNIT + BigInt(frac.padEnd(SCALE, '0') || '0');
  return sign ? -v : v;
}

/** BigInt in units of 10^-8 → plain decimal text without trailing zeros ("1234.5", "-0.00000001"). */
export function toDecimalText(v) {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = (a / UNIT).toString();
  const frac = (a % UNIT).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '');
}

/** Sum of decimal texts, exact, as a BigInt in units of 10^-8. */
export function sumDecimals(texts) {
  let s = 0n;
  for (const t of texts) s += parseDecimal(t);
  return s;
}

/** Sign of a decimal text: -1, 0 or 1. */
export function signOf(text) {
  const v = parseDecimal(text);
  return v < 0n ? -1 : v > 0n ? 1 : 0;
}

function groupThousands(int) {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Money for display, from the exact text: thousands separated by commas, at least `minPlaces`
 * decimal places (zeros appended, which changes no value), every place the text has kept. Nothing
 * is rounded: "1029574.735826" → "1,029,574.735826", "157230" → "157,230.00".
 */
export function formatDecimal(text, minPlaces = 2) {
  const m = DECIMAL_RE.exec(String(text));
  if (!m) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const [, sign, int, frac = ''] = m;
  const isZero = /^0+$/.test(int) && /^0*$/.test(frac);
  const f = frac.length >= minPlaces ? frac : frac.padEnd(minPlaces, '0');
  return (sign && !isZero ? '-' : '') + groupThousands(int.replace(/^0+(?=\d)/, '')) + (f ? '.' + f : '');
}

/** formatDecimal of a BigInt in units of 10^-8 (a sum). */
export function formatScaled(v, minPlaces = 2) {
  return formatDecimal(toDecimalText(v), minPlaces);
}

/** Integer division of BigInts rounded half to even (d > 0). */
export function divRoundHalfEven(n, d) {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r2 = (a % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/**
 * part / whole as a percentage text with `places` decimals, rounded half to even, from BigInts
 * of the same scale ("12.34"). null when whole is not positive.
 */
export function percentText(part, whole, places = 2) {
  if (whole <= 0n) return null;
  const scaled = divRoundHalfEven(part * 100n * 10n ** BigInt(places), whole);
  const neg = scaled < 0n;
  const a = (neg ? -scaled : scaled).toString().padStart(places + 1, '0');
  const int = a.slice(0, a.length - places);
  const frac = a.slice(a.length - places);
  return (neg ? '-' : '') + int + (places ? '.' + frac : '');
}

/** Compares two decimal texts exactly: -1, 0, 1. */
export function compareDecimal(a, b) {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
