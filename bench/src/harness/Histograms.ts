import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

let wasmReady = false;

/** Load hdr-histogram-js's WebAssembly build once (several times faster per record than JS). */
export async function initHistograms(): Promise<void> {
  if (wasmReady) return;
  await hdr.initWebAssembly();
  wasmReady = true;
}

/** A histogram of integer nanoseconds from 1 ns to one hour, 3 significant digits. */
export function newHistogram(): Histogram {
  return hdr.build({
    useWebAssembly: wasmReady,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function percentilesOf(h: Histogram): Percentiles {
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    mean: round2(h.mean),
  };
}

/** Merge histograms (never average percentiles). The inputs are left untouched. */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const merged = newHistogram();
  for (const p of parts) merged.add(p);
  return merged;
}

/** Compressed base64 HDR encoding (`HISTFAAA...`), decodable by every HdrHistogram port. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, wasmReady);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
