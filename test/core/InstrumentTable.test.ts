import { afterEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import {
  InstrumentRuleError,
  InstrumentSpec,
  InstrumentTable,
  INVALID_PRICE,
  INVALID_QUANTITY,
  NOTIONAL_BELOW_MIN,
  OK,
  QUANTITY_ABOVE_MAX,
  QUANTITY_BELOW_MIN,
  UNKNOWN_SYMBOL,
} from '@ringroute/core';
import { fixtureWorker, nextMessage } from '../support/threads.js';

const BTC = { symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.0001', minQty: '0.001', maxQty: '50', minNotional: '10' };

describe('InstrumentSpec rules', () => {
  const spec = new InstrumentSpec(0, BTC);

  it('checks an order in ticks and lots with statuses, never throwing', () => {
    const px = spec.priceToTicks('65000.25');
    expect(px).toBe(6_500_025);
    expect(spec.checkOrder(px, spec.quantityToLots('0.5'))).toBe(OK);
    expect(spec.checkOrder(px, 0)).toBe(INVALID_QUANTITY);
    expect(spec.checkOrder(px, -3)).toBe(INVALID_QUANTITY);
    expect(spec.checkOrder(px, NaN)).toBe(INVALID_QUANTITY);
    expect(spec.checkOrder(px, 1.5)).toBe(INVALID_QUANTITY);
    expect(spec.checkOrder(px, 9)).toBe(QUANTITY_BELOW_MIN); // 0.0009 < 0.001
    expect(spec.checkOrder(px, 500_001)).toBe(QUANTITY_ABOVE_MAX); // 50.0001 > 50
    expect(spec.checkOrder(spec.priceToTicks('100'), 10)).toBe(NOTIONAL_BELOW_MIN); // 100 x 0.001 = 0.1 < 10
    expect(spec.checkOrder(spec.priceToTicks('10000'), 10)).toBe(OK); // exactly 10
    expect(spec.checkOrder(Infinity, 10)).toBe(INVALID_PRICE);
    expect(spec.checkOrder(NaN, 10)).toBe(OK); // market order: no price to check
  });

  it('throws typed errors with the bad value on the cold path', () => {
    expect(() => spec.assertOrder('65000.005', '1')).toThrow(expect.objectContaining({ code: 'ERR_PRICE_OFF_TICK', value: '65000.005' }));
    expect(() => spec.assertOrder('65000', '1.00001')).toThrow(expect.objectContaining({ code: 'ERR_QUANTITY_OFF_LOT' }));
    expect(() => spec.assertOrder('65000', 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_QUANTITY' }));
    expect(() => spec.assertOrder('65000', -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_QUANTITY' }));
    expect(() => spec.assertOrder('65000', NaN)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DECIMAL' }));
    expect(() => spec.assertOrder(Infinity, '1')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DECIMAL' }));
    expect(() => spec.assertOrder('65000', '51')).toThrow(expect.objectContaining({ code: 'ERR_QUANTITY_ABOVE_MAX' }));
    expect(() => spec.assertOrder('65000', '0.0005')).toThrow(expect.objectContaining({ code: 'ERR_QUANTITY_BELOW_MIN' }));
    expect(() => spec.assertOrder('1', '0.001')).toThrow(InstrumentRuleError);
    expect(() => spec.assertOrder('1', '0.001')).toThrow(expect.objectContaining({ code: 'ERR_NOTIONAL_BELOW_MIN' }));
    expect(spec.assertOrder(undefined, '1')).toEqual({ priceTicks: NaN, quantityLots: 10_000 });
  });

  it('refuses inconsistent configurations', () => {
    expect(() => new InstrumentSpec(0, { ...BTC, minQty: '60' })).toThrow(/minQty/);
    expect(() => new InstrumentSpec(0, { ...BTC, minNotional: '-1' })).toThrow(/minNotional/);
    expect(() => new InstrumentSpec(0, { ...BTC, tickSize: '0' })).toThrow(/positive/);
  });
});

describe('InstrumentTable', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('interns symbols to dense ids and returns UNKNOWN_SYMBOL as a status', () => {
    const table = InstrumentTable.create(4);
    expect(table.intern('ESZ6')).toBe(0);
    expect(table.define(BTC).symbolId).toBe(1);
    expect(table.intern('ESZ6')).toBe(0);
    expect(table.idOf('BTC-USD')).toBe(1);
    expect(table.idOf('NOPE')).toBe(UNKNOWN_SYMBOL);
    expect(table.symbolOf(1)).toBe('BTC-USD');
    expect(table.spec(0)).toBeUndefined(); // interned, not defined
    expect(() => table.get('NOPE')).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SYMBOL', value: 'NOPE' }));
    expect(() => table.symbolOf(7)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SYMBOL' }));
    expect(table.size).toBe(2);
  });

  it('refuses bad symbols, a full table, and a conflicting redefinition', () => {
    const table = InstrumentTable.create(2);
    for (const bad of ['', 'has space', 'x'.repeat(65), 'é']) {
      expect(() => table.intern(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SYMBOL' }));
    }
    table.define(BTC);
    expect(table.define({ ...BTC })).toBe(table.get('BTC-USD'));
    expect(() => table.define({ ...BTC, tickSize: '0.5' })).toThrow(/already defined differently/);
    table.intern('A');
    expect(() => table.intern('B')).toThrow(expect.objectContaining({ code: 'ERR_SYMBOL_TABLE_FULL' }));
    expect(() => InstrumentTable.attach(new SharedArrayBuffer(64))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_SIZE' }));
    expect(() => InstrumentTable.attach(new SharedArrayBuffer(256))).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_LAYOUT' }));
  });

  it('a worker thread attaches and sees the same ids and rules; symbols it adds are seen here', async () => {
    const table = InstrumentTable.create(16);
    table.define(BTC);
    table.define({ symbol: 'ETH-USD', tickSize: 0.05, lotSize: 0.01 });
    const worker = fixtureWorker('instrumentReader', { buffer: table.buffer });
    workers.push(worker);
    const seen = await nextMessage<{ ids: Record<string, number>; btc: unknown; eth: unknown; added: number }>(worker);
    expect(seen.ids).toEqual({ 'BTC-USD': 0, 'ETH-USD': 1 });
    expect(seen.btc).toEqual(table.get('BTC-USD').toConfig());
    expect(seen.eth).toEqual(table.get('ETH-USD').toConfig());
    expect(table.idOf('SOL-USD')).toBe(seen.added);
    expect(table.get('SOL-USD').priceToTicks('150.125')).toBe(150125);
  });
});
