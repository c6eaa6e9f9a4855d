// Preloaded into the Portkey gateway by bench/run.py (`node --require`).
//
// 1. Its server listens on every interface by default and has no option for
//    the address: make any listen() without an explicit host bind 127.0.0.1.
// 2. Portkey 1.15.2 on Node adds its x-portkey-* headers to the upstream fetch
//    Response, whose headers are immutable by the fetch spec; with
//    @hono/node-server's Response every *streamed* answer then fails with
//    "TypeError: immutable" (Portkey-AI/gateway#1389, #1550). Re-wrap each
//    upstream response once with mutable headers (same status, headers and
//    body stream, no copy of the body) so the peer can be measured at all.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (args[0] && typeof args[0] === "object" && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};

const upstreamFetch = globalThis.fetch;
const FetchResponse = globalThis.Response;
globalThis.fetch = async function (...args) {
  const res = await upstreamFetch.apply(this, args);
  if (res.status < 200 || res.status > 599) return res;
  return new FetchResponse(res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: new Headers(res.headers),
  });
};
