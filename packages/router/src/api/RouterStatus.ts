/** Router statuses (negative, after the ring statuses). */

/** The request names a venue the router does not know. */
export const UNKNOWN_VENUE = -40;
/** No live order has this client order id. */
export const UNKNOWN_ORDER = -41;
/** The order cannot take this request in its current state (not yet acknowledged, or done). */
export const NOT_WORKING = -42;
/** The side, type or time in force is not one the router knows. */
export const INVALID_REQUEST = -43;
/** The venue's circuit breaker is open (consecutive failures or a dead gateway); try another venue or later. */
export const VENUE_UNHEALTHY = -44;
/** The router is stopping or stopped: no new orders. */
export const ROUTER_STOPPED = -45;
