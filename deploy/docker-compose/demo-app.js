// The "app" of the compose file: a small checkout service logging through the logfun SDK
// (compact protocol to the collector at OTEL_EXPORTER_OTLP_ENDPOINT), with HTTP access
// records for the HTTP statistics dashboard and, now and then, a burst of one repetitive
// line for the spam balancer to mute. It runs from the logfun image, whose SDK is /app.
'use strict';
const { createLogger } = require(process.env.LOGFUN_SDK || '/app');

const log = createLogger({ service: process.env.OTEL_SERVICE_NAME || 'checkout' });
const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
const paths = ['/api/orders', '/api/cart', '/api/users/42', '/static/app.js', '/health'];
const ratePerSecond = Number(process.env.DEMO_RATE || 50);
let n = 0;

const timer = setInterval(() => {
  const burst = Math.max(1, Math.round(ratePerSecond / 10));
  for (let i = 0; i < burst; i++, n++) {
    const user = users[n % users.length];
    const path = paths[n % paths.length];
    const status = n % 97 === 0 ? 503 : n % 13 === 0 ? 404 : 200;
    log.info(
      { 'http.request.method': 'GET', 'url.path': path, 'http.response.status_code': status, 'http.server.request.duration': ((n * 7919) % 500) / 1000 },
      'GET %s %d',
      path,
      status,
    );
    if (n % 10 === 9) log.warn`cart ${n} of ${user} took ${(n * 31) % 900} ms to price`;
    if (n % 50 === 49) log.error`payment for ${user} declined: card ${'visa'} expired`;
  }
  // One minute in five: the same line many times a second (spam).
  if (Math.floor(Date.now() / 60_000) % 5 === 0) for (let i = 0; i < 20; i++) log.info`retrying connection to ${"inventory"}`;
}, 100);

async function stop() {
  clearInterval(timer);
  await log.shutdown();
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
