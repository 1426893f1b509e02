/**
 * FIX messages as text, built independently of the codec under test (strings, not the
 * writer): what the tests send to an acceptor and what they expect a writer to produce.
 * Bodies may use '|' for SOH.
 */
const SOH = '\u0001';

/** "8=<begin>|9=<length>|<body>10=<sum>|" with SOH delimiters, BodyLength and CheckSum computed here. */
export function fixFrame(body: string, begin = 'FIX.4.4'): string {
  const b = body.replaceAll('|', SOH);
  const head = `8=${begin}${SOH}9=${Buffer.byteLength(b, 'latin1')}${SOH}`;
  let sum = 0;
  for (const c of Buffer.from(head + b, 'latin1')) sum += c;
  return `${head}${b}10=${String(sum & 255).padStart(3, '0')}${SOH}`;
}

/** A UTCTimestamp with milliseconds ("YYYYMMDD-HH:MM:SS.sss") through Date, for comparison with FixTimestampWriter. */
export function fixStamp(epochMs = Date.now()): string {
  return new Date(epochMs).toISOString().replace(/-/g, '').replace('T', '-').slice(0, 21);
}
