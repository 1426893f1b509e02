import type { Scenario } from '../harness/Scenario.js';
import { burstScenarios } from './core/burstScenarios.js';
import { layoutScenarios } from './core/layoutScenarios.js';
import { orderScenarios } from './core/orderScenarios.js';
import { contendedPoolScenario, poolScenarios } from './core/poolScenarios.js';
import { matchScenarios } from './gateways/matchScenarios.js';
import { wsScenarios } from './gateways/wsScenarios.js';
import { fixCodecScenarios } from './gateways/fixCodecScenarios.js';
import { fixRttScenarios } from './gateways/fixRttScenarios.js';
import { fixRouterRttScenarios } from './gateways/fixRouterRttScenario.js';
import { gateFixtureScenarios } from './fixtures/gateFixtures.js';
import { firmScenarios } from './router/firmScenarios.js';
import { floorScenarios } from './router/floorScenarios.js';
import { orderRttScenarios } from './router/orderRttScenarios.js';
import { riskScenarios } from './router/riskScenarios.js';
import { journalScenarios } from './router/journalScenarios.js';
import { openLoopScenarios, ringRttScenarios } from './router/ringScenarios.js';
import { throughputScenarios } from './router/throughputScenarios.js';
import { threadLayoutScenarios } from './router/threadLayoutScenarios.js';
import { topOfBookScenarios } from './router/topOfBookScenarios.js';

/**
 * Every scenario of every package, in the order they run within a run. A scenario's
 * reference is listed next to it so the two are measured back to back.
 */
export function allScenarios(): Scenario[] {
  return [
    ...poolScenarios(),
    contendedPoolScenario(),
    ...orderScenarios(),
    ...burstScenarios(),
    ...layoutScenarios(),
    ...floorScenarios(),
    ...ringRttScenarios(),
    ...openLoopScenarios(),
    ...throughputScenarios(),
    ...matchScenarios(),
    ...riskScenarios(),
    ...topOfBookScenarios(),
    ...orderRttScenarios(),
    ...threadLayoutScenarios(),
    ...journalScenarios(),
    ...firmScenarios(),
    ...wsScenarios(),
    ...fixCodecScenarios(),
    ...fixRttScenarios(),
    ...fixRouterRttScenarios(),
    ...gateFixtureScenarios(),
  ];
}
