import { describe, expect, it } from 'vitest';
import { NullMatchListener } from '@ringroute/gateways';
import { exchange, gatewayFor, SECRET } from '../../support/exchange.js';

const silent = new Proxy(new NullMatchListener(), { get: () => () => {} }) as never;

describe('WsGateway login', () => {
  it('a refused login rejects connect with the exchange\'s error code, never the secret, and does not retry on its own', async () => {
    const server = await exchange();
    const wrong = 'wrong-secret-do-not-print';
    const gateway = gatewayFor(server, { secret: wrong });
    try {
      const error = await gateway.connect(silent).then(() => null, (e: Error) => e);
      expect(error?.message).toMatch(/4002 AUTH_BAD_SIGNATURE/);
      expect(error?.message).not.toContain(wrong);
      expect(error?.message).not.toContain(SECRET);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(gateway.stats.reconnects).toBe(0); // the caller decides what a failed first login means
      expect(server.stats.loginFailures).toBe(1);
    } finally {
      await gateway.disconnect();
      await server.close();
    }
  });

  it('an unreachable exchange rejects connect', async () => {
    const server = await exchange();
    const url = server.url;
    await server.close();
    const gateway = gatewayFor({ url } as never, { connectTimeoutMs: 1_000 });
    await expect(gateway.connect(silent)).rejects.toThrow();
    await gateway.disconnect();
  });
});
