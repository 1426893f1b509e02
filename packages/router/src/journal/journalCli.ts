#!/usr/bin/env node
/**
 * `pnpm journal -- dump <dir> [--json] [--follow]`: print a journal's records, oldest
 * first: what was sent, canceled, replaced, acknowledged and filled, and when (the audit
 * trail). `--json` prints one JSON object per line; `--follow` keeps printing records as
 * they are appended (every 200 ms) until interrupted.
 */
import { JournalError } from './JournalError.js';
import { readJournal } from './JournalReader.js';
import { JournalRecordDecoder, type DecodedRecord } from './JournalRecords.js';

const USAGE = 'Usage: pnpm journal -- dump <dir> [--json] [--follow]';

function line(r: DecodedRecord): string {
  const { timeNs, lane, type, ...fields } = r;
  return `${(timeNs / 1e9).toFixed(6).padStart(16)}  lane ${lane}  ${type.padEnd(15)} ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

function main(argv: string[]): number {
  const [command, dir, ...flags] = argv;
  const unknown = flags.filter((f) => f !== '--json' && f !== '--follow');
  if (command !== 'dump' || dir === undefined || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const json = flags.includes('--json');
  const decoder = new JournalRecordDecoder();
  let printed = 0;
  const dump = (): void => {
    let index = 0;
    const result = readJournal(dir, (r) => {
      if (index++ < printed) return;
      const decoded = decoder.decode(r);
      console.log(json ? JSON.stringify(decoded) : line(decoded));
    });
    printed = index;
    if (result.cut !== null && !flags.includes('--follow')) console.error(`journal: the last ${result.cut.droppedBytes} bytes of segment ${result.cut.segment} are a torn write (cut at offset ${result.cut.offset})`);
  };
  try {
    dump();
  } catch (error) {
    console.error(error instanceof JournalError ? error.message : String(error));
    return 1;
  }
  if (flags.includes('--follow')) {
    setInterval(() => {
      try {
        dump();
      } catch (error) {
        console.error(error instanceof JournalError ? error.message : String(error));
        process.exit(1);
      }
    }, 200);
    return -1;
  }
  return 0;
}

const code = main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
