import assert from "node:assert/strict";
import { test } from "node:test";
import { clientAddress, normalizeAddress } from "./client-address";

test("without TRUST_PROXY the socket's address is used and X-Forwarded-For is ignored", () => {
  assert.equal(clientAddress("203.0.113.7", "198.51.100.1", 0), "203.0.113.7");
  assert.equal(clientAddress("::ffff:127.0.0.1", undefined, 0), "127.0.0.1");
  assert.equal(clientAddress(undefined, undefined, 0), "unknown");
});

test("with N trusted proxies the N-th address from the right is used; spoofed entries further left are not", () => {
  // Client 198.51.100.9 wrote "1.1.1.1" itself; our one proxy (10.0.0.2) appended the address it saw.
  assert.equal(clientAddress("10.0.0.2", "1.1.1.1, 198.51.100.9", 1), "198.51.100.9");
  // Two proxies: CDN then load balancer.
  assert.equal(clientAddress("10.0.0.3", ["1.1.1.1, 198.51.100.9", "10.0.0.2"], 2), "198.51.100.9");
  // A chain shorter than promised falls back to its leftmost entry rather than throwing.
  assert.equal(clientAddress("10.0.0.2", undefined, 1), "10.0.0.2");
});

test("IPv6 addresses are grouped by /64, so one host cannot rotate through its allocation", () => {
  assert.equal(normalizeAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(normalizeAddress("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  assert.equal(normalizeAddress("[2001:0db8:0001:0002::ffff]"), "2001:db8:1:2::/64");
  assert.equal(normalizeAddress("::1"), "0:0:0:0::/64");
});
