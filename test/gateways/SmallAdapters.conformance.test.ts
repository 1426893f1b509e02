import { registerGatewayConformance } from '@ringroute/gateways/conformance';
import type { GatewayAdapter } from '@ringroute/gateways';
import { readmeBlock, writeExample } from '../support/readme.js';
import { InstantFillVenue } from '../support/smallVenues.js';

// Two small adapters of different behaviour through the same kit: the README's own
// EchoVenue (orders rest until canceled, never fill, limit GTC only, no seed, no
// reconnect) and a venue that fills every order on its own at once.
const echoSource = readmeBlock('## Writing an adapter');
if (echoSource === undefined) throw new Error('the README has no adapter example');
const { EchoVenue } = (await import(writeExample('readme-echo-venue.mjs', echoSource))) as { EchoVenue: new () => GatewayAdapter };

registerGatewayConformance("the README's EchoVenue (rests, never fills)", async () => {
  const adapter = new EchoVenue();
  return { adapter, symbolId: 1, priceTicks: 10_000, settle: async () => {}, close: () => adapter.disconnect() };
});

registerGatewayConformance('InstantFillVenue (fills every order on its own)', async () => {
  const adapter = new InstantFillVenue();
  return { adapter, symbolId: 1, priceTicks: 10_000, behaviour: 'fills', settle: async () => {}, close: () => adapter.disconnect() };
});
