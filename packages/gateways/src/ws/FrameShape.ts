import { MESSAGE_SHAPES } from './WsProtocol.js';

/**
 * Checks, before msgpackr sees it, that a binary frame is exactly one protocol message:
 * a reference to one of the shared structures (one byte, 0x40 + t - 1) followed by
 * exactly that structure's number of values, each a scalar (nil, boolean, integer, float,
 * string) or an array of scalars (STATUS's `open`), and nothing after them.
 *
 * Why a byte-level check and not a look at what msgpackr decoded: msgpackr acts on some
 * constructs while decoding. A record definition (extension 0x72) is stored in the
 * decoder's structure table, at one of 8,191 slots per connection, each with as many keys
 * as the frame holds, and is never cleared: a peer that has not even logged in could make
 * the server keep gigabytes. Other extensions build objects (dates, BigInts, typed arrays)
 * no message has. Refusing every extension, map, binary and nested structure here means
 * no peer can define or store anything in the decoder, whatever its version does with
 * them. The walk reads each byte once and allocates nothing.
 *
 * @returns true when the frame has the shape of a message; false for anything else
 *   (including trailing bytes: a second message in one frame is not a message).
 */
export function isMessageFrame(frame: Uint8Array): boolean {
  const end = frame.length;
  if (end < 2) return false;
  const k = frame[0] - 0x40;
  if (k < 0 || k >= MESSAGE_SHAPES.length) return false;
  let at = 1;
  for (let field = MESSAGE_SHAPES[k].length; field > 0; field--) {
    if (at >= end) return false;
    const token = frame[at];
    let count = -1; // elements of an array value
    if (token >= 0x90 && token <= 0x9f) {
      count = token - 0x90;
      at++;
    } else if (token === 0xdc) {
      if (at + 3 > end) return false;
      count = (frame[at + 1] << 8) | frame[at + 2];
      at += 3;
    } else if (token === 0xdd) {
      if (at + 5 > end) return false;
      count = frame[at + 1] * 0x1000000 + ((frame[at + 2] << 16) | (frame[at + 3] << 8) | frame[at + 4]);
      at += 5;
    }
    if (count < 0) {
      at = skipScalar(frame, at, end);
      if (at < 0) return false;
      continue;
    }
    if (count > end - at) return false; // every element takes at least one byte
    for (; count > 0; count--) {
      at = skipScalar(frame, at, end);
      if (at < 0) return false;
    }
  }
  return at === end;
}

/** The position after the scalar at `at`, or -1 when it is not a scalar or does not fit. */
function skipScalar(frame: Uint8Array, at: number, end: number): number {
  if (at >= end) return -1;
  const token = frame[at];
  let size: number;
  if (token < 0x40 || (token > 0x40 + MESSAGE_SHAPES.length - 1 && token < 0x80) || token >= 0xe0) size = 1; // fixints (0x40.. are structure references)
  else if (token >= 0xa0 && token <= 0xbf) size = 1 + (token - 0xa0); // fixstr
  else {
    switch (token) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        size = 1;
        break;
      case 0xcc: // uint8
      case 0xd0: // int8
        size = 2;
        break;
      case 0xcd: // uint16
      case 0xd1: // int16
        size = 3;
        break;
      case 0xca: // float32
      case 0xce: // uint32
      case 0xd2: // int32
        size = 5;
        break;
      case 0xcb: // float64
      case 0xcf: // uint64 (decodes to a BigInt: the field check refuses it, no harm in reading it)
      case 0xd3: // int64
        size = 9;
        break;
      case 0xd9: // str8
        if (at + 2 > end) return -1;
        size = 2 + frame[at + 1];
        break;
      case 0xda: // str16
        if (at + 3 > end) return -1;
        size = 3 + ((frame[at + 1] << 8) | frame[at + 2]);
        break;
      case 0xdb: // str32
        if (at + 5 > end) return -1;
        size = 5 + frame[at + 1] * 0x1000000 + ((frame[at + 2] << 16) | (frame[at + 3] << 8) | frame[at + 4]);
        break;
      default:
        return -1; // structure references, maps, arrays inside arrays, binary, every extension (record definitions among them)
    }
  }
  return at + size <= end ? at + size : -1;
}
