import { registerGatewayConformance } from '@ringroute/gateways/conformance';
import { exchange, gatewayFor, seed, until } from '../../support/exchange.js';

// The WebSocket gateway against the real reference exchange on loopback: every case gets
// its own server and connection, real frames both ways.
for (const codec of ['msgpackr', 'json'] as const) registerGatewayConformance(`WsGateway over loopback to the reference exchange (${codec} frames)`, async () => {
  const server = await exchange({ codec });
  const gateway = gatewayFor(server, { codec });
  return {
    adapter: gateway,
    symbolId: 1,
    priceTicks: 10_000,
    seed: (side, priceTicks, quantityLots) => seed(server, 1, side, priceTicks, quantityLots),
    // A query round trip: the exchange answers in order, so every report sent before it has arrived.
    settle: async () => void (await gateway.openOrders()),
    async reconnect() {
      gateway.dropConnection();
      await until(() => !gateway.connected);
      await gateway.whenReady();
      await until(() => gateway.connected);
    },
    async close() {
      await gateway.disconnect();
      await server.close();
    },
  };
});
