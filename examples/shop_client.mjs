// A shop in Node.js (18 or newer, no packages): create an order, pay it, refund it, and
// verify the webhooks that say so. Against a demo server:
//
//     zengzhi serve --demo --database sqlite:///demo.db
//     node examples/shop_client.mjs --api-key zz1.demo.… --password …
//
// The order completes when it is paid (the demo's return window is 0), so its refund is a
// reversal (POST /v1/orders/{id}/reverse); the webhooks awaited are order.completed and
// order.reversed. Signatures are checked as docs/integration.md says; the Standard
// Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) are checked instead
// when the server sends them.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8000" },
    "api-key": { type: "string" },
    tenant: { type: "string", default: "demo" },
    user: { type: "string", default: "owner" },
    password: { type: "string" },
    port: { type: "string", default: "8766" },
    product: { type: "string", default: "gift" },
    wait: { type: "string", default: "60" },
  },
});
if (!args["api-key"] || !args.password) {
  console.error("usage: node shop_client.mjs --api-key zz1.… --password … [--url …]");
  process.exit(2);
}

const TOLERANCE = 300; // seconds a webhook's timestamp may be away from our clock

function sameText(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// true when the webhook is signed with the subscription's secret and recent
export function verify(secret, headers, body) {
  const now = Math.floor(Date.now() / 1000);
  if (headers["webhook-signature"]) {
    // Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body", key = whsec_'s bytes
    const id = headers["webhook-id"] ?? "";
    const timestamp = headers["webhook-timestamp"] ?? "";
    if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > TOLERANCE) return false;
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const expected = createHmac("sha256", key)
      .update(`${id}.${timestamp}.`)
      .update(body)
      .digest("base64");
    return headers["webhook-signature"]
      .split(" ")
      .some((part) => part.startsWith("v1,") && sameText(part.slice(3), expected));
  }
  const timestamp = headers["x-zengzhi-timestamp"] ?? "";
  const signature = headers["x-zengzhi-signature"] ?? "";
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > TOLERANCE) return false;
  const expected =
    "v1=" + createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
  return signature.split(",").some((part) => sameText(part.trim(), expected));
}

async function call(method, path, token, body) {
  const response = await fetch(args.url + path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) {
    // every failure is {code, message, field}
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

const received = []; // verified events
let refused = 0;
let secret = "";
let arrived = () => {};
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    if (!verify(secret, request.headers, body)) {
      refused += 1;
      response.writeHead(401).end();
      return;
    }
    received.push(JSON.parse(body.toString("utf8")));
    response.writeHead(204).end();
    arrived();
  });
});
await new Promise((done) => receiver.listen(Number(args.port), "127.0.0.1", done));

const session = await fetch(args.url + "/v1/auth/login", {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ tenant: args.tenant, username: args.user, password: args.password }),
}).then((r) => r.json());
const hook = await call("POST", "/v1/webhooks", session.token, {
  url: `http://127.0.0.1:${args.port}/zengzhi`,
  event_types: ["order.*"],
});
secret = hook.secret; // shown once: a real shop keeps it in its settings

let code = 1;
try {
  const key = args["api-key"];
  const run = randomBytes(3).toString("hex");
  const member = `node-${run}`;
  const order = `node-${run}-order`;
  await call("POST", "/v1/members", key, { id: member, name: member });
  const created = await call("POST", "/v1/orders", key, {
    id: order,
    member,
    product: args.product,
  });
  const again = await call("POST", "/v1/orders", key, { id: order, member, product: args.product });
  if (JSON.stringify(again) !== JSON.stringify(created)) throw new Error("not idempotent");
  const paid = await call("POST", `/v1/orders/${order}/pay`, key);
  const refunded = await call("POST", `/v1/orders/${order}/reverse`, key);
  console.log(`order ${order}: ${created.status} → ${paid.status} → ${refunded.status}`);

  const wanted = ["order.completed", "order.reversed"];
  const mine = () => received.filter((event) => JSON.stringify(event).includes(order));
  const deadline = Date.now() + Number(args.wait) * 1000;
  while (!wanted.every((type) => mine().some((event) => event.type === type))) {
    if (Date.now() > deadline) break;
    await new Promise((done) => {
      arrived = done;
      setTimeout(done, 1000);
    });
  }
  const types = mine().map((event) => event.type);
  console.log(`webhooks verified: ${types.join(", ")}; refused: ${refused}`);
  code = wanted.every((type) => types.includes(type)) && refused === 0 ? 0 : 1;
} finally {
  await call("DELETE", `/v1/webhooks/${hook.id}`, session.token);
  receiver.close();
}
process.exit(code);
