import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OrderFlyweight, OrderType, ORDER_RECORD_BYTES, RecordClass, Side, SlabPool, TimeInForce } from '@ringroute/core';
import { fixFields, FixDecimal, FixFramer, FixMessage, FixOrderEncoder, FixOrders, FixWriter, Framed, fixInstrument, MsgType, Tag } from '@ringroute/gateways';
import { microScenario } from '../micro.js';
import type { Scenario } from '../../harness/Scenario.js';

/**
 * The FIX codec beside a published JavaScript FIX engine, jspurefix (a bench-only
 * dependency), on the same messages in the same run:
 * - encode: a NewOrderSingle with its header, BodyLength and CheckSum, from an order
 *   (ours: from the order flyweight; jspurefix: from a message object it is given, one
 *   object reused with its ClOrdID changed, its best case);
 * - decode: an ExecutionReport (a fill, as QuickFIX's executor sends it) framed from the
 *   bytes and the fields the gateway uses read (ClOrdID, ExecType, OrdStatus, OrderID,
 *   LastPx, LastQty, CumQty, LeavesQty): ours to ticks and lots; jspurefix through its
 *   parser's message view (`getTyped`), without building the message object.
 * Why our own codec at all: see docs/fix.md (a codec that allocates per field costs the
 * order path its zero-allocation promise, and these figures).
 */
const SENDER = 'RINGROUTE';
const TARGET = 'EXEC';
const NOW_MS = Date.UTC(2026, 11, 2, 9, 0, 0);
const FILL = `8=FIX.4.4|9=0|35=8|34=2|49=${TARGET}|52=20261202-09:00:00.142|56=${SENDER}|6=64000.12|11=4398046511105|14=0.5|17=1|31=64000.12|32=0.5|37=1|38=0.500|39=2|54=1|55=BTC-USD|150=F|151=0|10=000|`;

/** FILL with its real BodyLength and CheckSum, SOH-delimited. */
function fillBytes(): Buffer {
  const body = FILL.slice(FILL.indexOf('|35=') + 1, FILL.indexOf('10=')).replaceAll('|', '\u0001');
  const head = `8=FIX.4.4\u00019=${body.length}\u0001`;
  let sum = 0;
  for (const c of Buffer.from(head + body, 'latin1')) sum += c;
  return Buffer.from(`${head}${body}10=${String(sum & 255).padStart(3, '0')}\u0001`, 'latin1');
}

function order(): OrderFlyweight {
  const pool = SlabPool.create({ slotBytes: ORDER_RECORD_BYTES, capacity: 4, recordClass: RecordClass.ORDER });
  const o = new OrderFlyweight(pool);
  o.wrap(pool.allocate());
  o.clear();
  o.clientOrderId = 4_398_046_511_105;
  o.symbolId = 0;
  o.side = Side.BUY;
  o.ordType = OrderType.LIMIT;
  o.tif = TimeInForce.GTC;
  o.priceTicks = 6_400_012;
  o.quantityLots = 500;
  return o;
}

interface JsPureFix {
  encode(clOrdId: string): number;
  parse(bytes: Buffer): void;
  decoded: number;
}

/** jspurefix's transmitter and parser, set up as its own benchmark does (a session container and the QuickFIX 4.4 dictionary it ships). */
async function loadJsPureFix(): Promise<JsPureFix> {
  const require = createRequire(realpathSync(createRequire(import.meta.url).resolve('jspurefix/package.json')));
  require('reflect-metadata');
  const { SessionContainer } = require('./dist/runtime');
  const { DITokens } = require('./dist/runtime/di-tokens');
  const { DefinitionFactory } = require('./dist/util');
  const { AsciiMsgTransmitter } = require('./dist/transport/ascii/ascii-msg-transmitter');
  const { AsciiParser } = require('./dist/buffer/ascii/ascii-parser');
  const { makeSessionScope } = require('./dist/runtime/session-scope');
  const sys = new SessionContainer();
  sys.registerGlobal('error');
  const description = { ...require('./data/session/qf-fix44.json'), SenderCompId: SENDER, TargetCompID: TARGET };
  const container = await sys.makeSystem(description);
  const config = container.resolve(DITokens.IJsFixConfig);
  config.definitions = await new DefinitionFactory().getDefinitions('qf44');
  const scoped = makeSessionScope(config);
  const tx = new AsciiMsgTransmitter(scoped);
  const message = { ClOrdID: '', Account: 'ACC', HandlInst: '1', Instrument: { Symbol: 'BTC-USD' }, Side: '1', TransactTime: new Date(NOW_MS), OrderQtyData: { OrderQty: 0.5 }, OrdType: '2', Price: 64000.12, TimeInForce: '1' };
  const parserScope = makeSessionScope(config);
  const parser = new AsciiParser(parserScope, null, parserScope.sessionContainer.resolve(DITokens.ParseBuffer), parserScope.sessionContainer.resolve(DITokens.maxMessageLen));
  const result: JsPureFix = {
    decoded: 0,
    encode(clOrdId: string): number {
      message.ClOrdID = clOrdId;
      tx.encodeMessage('D', message);
      const length = tx.buffer.getPos();
      tx.encoder.reset(); // as its own transmit path does after each message
      return length;
    },
    parse(bytes: Buffer): void {
      parser.parseBuffer(bytes);
    },
  };
  parser.on('msg', (_type: string, view: { getTyped(tag: string): unknown }) => {
    view.getTyped('ClOrdID');
    view.getTyped('ExecType');
    view.getTyped('OrdStatus');
    view.getTyped('OrderID');
    view.getTyped('LastPx');
    view.getTyped('LastQty');
    view.getTyped('CumQty');
    view.getTyped('LeavesQty');
    result.decoded++;
  });
  return result;
}

export function fixCodecScenarios(): Scenario[] {
  let jspurefix: JsPureFix | null = null;
  const setupJsPureFix = async (): Promise<void> => {
    jspurefix ??= await loadJsPureFix();
  };

  // Ours: the gateway's own writer and encoder, the session's header as FixSession writes it.
  const w = new FixWriter();
  const encoder = new FixOrderEncoder({ account: 'ACC' });
  const instrument = fixInstrument(new FixDecimal({ mantissa: 1, scale: 2 }), new FixDecimal({ mantissa: 1, scale: 3 }), { symbol: 'BTC-USD' });
  const compIds = fixFields([
    [Tag.SenderCompID, SENDER],
    [Tag.TargetCompID, TARGET],
  ]);
  const o = order();
  let seq = 1;
  const times = new Float64Array([NOW_MS, 0]);
  // Results summed into a double slot: a number variable past 2^30 would allocate on every add.
  const out = new Float64Array(1);

  const fill = fillBytes();
  const framer = new FixFramer();
  const msg = new FixMessage();
  const books = new FixOrders(16);
  const lot = instrument.lot;
  const tick = instrument.tick;

  return [
    microScenario({
      name: 'gateways.fix.encode.new-order.jspurefix',
      description: 'jspurefix (npm) encodes a NewOrderSingle with its header, BodyLength and CheckSum from a message object (one object reused, its ClOrdID changed): the reference',
      setup: setupJsPureFix,
      batch(n) {
        const j = jspurefix!;
        for (let i = 0; i < n; i++) out[0] += j.encode('4398046511105');
      },
    }),
    microScenario({
      name: 'gateways.fix.encode.new-order',
      reference: 'gateways.fix.encode.new-order.jspurefix',
      description: 'FixWriter + FixOrderEncoder: a NewOrderSingle (header as the session writes it, 14 fields) from the order flyweight into a reused buffer, BodyLength and CheckSum in place',
      targets: [
        { metric: 'p50', op: '<=', value: 300, label: 'encode p50 <= 300 ns' },
        { metric: 'heapBytesPerOp', op: '<=', value: 0, label: '0 heap bytes per message' },
        { metric: 'speedupVsReference', op: '>=', value: 10, label: 'at least 10x the rate of jspurefix' },
      ],
      batch(n) {
        for (let i = 0; i < n; i++) {
          // The header as FixSession writes it, then the body as FixGateway.submit does.
          w.n[0] = seq++;
          w.n[1] = times[0];
          w.openHeader(MsgType.NEW_ORDER_SINGLE, compIds);
          encoder.newOrder(w, o, instrument, times);
          out[0] += w.close();
        }
      },
    }),
    microScenario({
      name: 'gateways.fix.decode.execution-report.jspurefix',
      description: 'jspurefix (npm) parses an ExecutionReport (a fill) from its bytes and reads 8 fields through its message view: the reference',
      setup: setupJsPureFix,
      batch(n) {
        const j = jspurefix!;
        for (let i = 0; i < n; i++) j.parse(fill);
      },
    }),
    microScenario({
      name: 'gateways.fix.decode.execution-report',
      reference: 'gateways.fix.decode.execution-report.jspurefix',
      description: 'FixFramer + FixMessage: an ExecutionReport (a fill) framed from its bytes (BodyLength and CheckSum checked) and the gateway\'s 8 fields read in place, prices and quantities to ticks and lots',
      targets: [
        { metric: 'p50', op: '<=', value: 500, label: 'decode p50 <= 500 ns' },
        { metric: 'heapBytesPerOp', op: '<=', value: 0, label: '0 heap bytes per message' },
        { metric: 'speedupVsReference', op: '>=', value: 10, label: 'at least 10x the rate of jspurefix' },
      ],
      batch(n) {
        for (let i = 0; i < n; i++) {
          framer.push(fill);
          if (framer.next(msg) !== Framed.MESSAGE) throw new Error('the fill did not frame');
          books.parseClOrdId(msg, Tag.ClOrdID);
          out[0] += books.parsedId + msg.char(Tag.ExecType) + msg.char(Tag.OrdStatus) + msg.int(Tag.OrderID);
          out[0] += msg.units(Tag.LastPx, tick) + msg.units(Tag.LastQty, lot) + msg.units(Tag.CumQty, lot) + msg.units(Tag.LeavesQty, lot);
        }
      },
      teardown() {
        if (out[0] === -1) console.log(out[0]); // keeps the work observable
      },
    }),
  ];
}
