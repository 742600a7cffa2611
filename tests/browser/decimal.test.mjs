// The dashboard's exact decimal arithmetic (web/dashboard/decimal.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal, toDecimalText, formatDecimal, formatScaled, percentText, divRoundHalfEven, sumDecimals }
  from '../../web/dashboard/decimal.js';

test('parses decimal text exactly, in units of 10^-8', () => {
  assert.equal(parseDecimal('0'), 0n);
  assert.equal(parseDecimal('1.5'), 150000000n);
  assert.equal(parseDecimal('-0.00000001'), -1n);
  assert.equal(parseDecimal('999999999999999.99999999'), 99999999999999999999999n);
  for (const bad of ['', '1.', '.5', '1e2', '+1', ' 1', '1.123456789', 'NaN', null]) {
    assert.throws(() => parseDecimal(bad), RangeError, String(bad));
  }
});

test('sums what floating point cannot', () => {
  assert.equal(toDecimalText(sumDecimals(['0.1', '0.2'])), '0.3');
  // 2^53 + 1 units: a double would drop the last one
  assert.equal(toDecimalText(sumDecimals(['90071992.54740992', '0.00000001'])), '90071992.54740993');
  assert.equal(toDecimalText(sumDecimals(['-5', '2.5'])), '-2.5');
});

test('formats money from the exact text, never rounding', () => {
  assert.equal(formatDecimal('1029574.735826'), '1,029,574.735826');
  assert.equal(formatDecimal('157230'), '157,230.00');
  assert.equal(formatDecimal('-20111.7'), '-20,111.70');
  assert.equal(formatDecimal('0.00000001'), '0.00000001');
  assert.equal(formatDecimal('-0'), '0.00');
  assert.equal(formatDecimal('123'), '123.00');
  assert.equal(formatDecimal('1234567890123.12345678'), '1,234,567,890,123.12345678');
  assert.equal(formatScaled(-150000000n), '-1.50');
});

test('shares are rounded half to even', () => {
  assert.equal(percentText(1n, 3n), '33.33');
  assert.equal(percentText(2n, 3n), '66.67');
  assert.equal(percentText(1n, 8n), '12.50');
  assert.equal(percentText(1n, 20000n), '0.00');       // 0.005 %: a half, to the even 0.00
  assert.equal(percentText(3n, 20000n), '0.02');       // 0.015 %: a half, to the even 0.02
  assert.equal(percentText(1n, 600n), '0.17');         // 0.1666… %
  assert.equal(percentText(5n, 5n), '100.00');
  assert.equal(percentText(1n, 0n), null);
  assert.equal(divRoundHalfEven(5n, 2n), 2n);
  assert.equal(divRoundHalfEven(7n, 2n), 4n);
  assert.equal(divRoundHalfEven(-7n, 2n), -4n);
});
