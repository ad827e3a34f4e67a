/**
 * Routes the production server answers itself, before Next.js: hot API paths where Next's per-request
 * work (routing, web Request/Response objects, streams) costs more than the handler. Each one calls the
 * same framework-free function as its Next.js route file, so the two answer alike; the Next.js route
 * still serves the path under `next dev`.
 *
 * Measured on the vote path (bench/README.md, "Arena server"): ~2 ms of CPU per request through Next's
 * route handler against ~0.3 ms here.
 */
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { submitVote, VOTE_BODY_LIMIT } from "../lib/arena/vote-request";
import type { PublicUser } from "../lib/auth/accounts";
import { isSameOriginRequest } from "../lib/auth/origin";
import { type SessionCookie, sessionUser } from "../lib/auth/session-token";
import { sql } from "../lib/db/sql";
import {
  BodyTooLargeError,
  checkDeclaredLength,
  errorBody,
  HttpError,
  LARGEST_BODY_LIMIT,
  readLimitedNode,
  SERVER_ACTION_BODY_LIMIT,
} from "../lib/http-error";
import { log } from "../lib/log";
import { SERVER_READY } from "../lib/server-ready";
import { openThrottle, type RuleName } from "../lib/throttle";

/** The headers next.config.js adds to every response (a unit test keeps the two lists equal). */
export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
};

type FastRoute = (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => Promise<void>;

/** Set once the app's start-up work is done (see lib/server-ready.ts); until then Next.js answers everything. */
let ready = false;
subscribe(SERVER_READY, () => {
  ready = true;
});

/**
 * The fast routes, given the session secrets (lib/secrets.ts's sessionSecrets in production). The result
 * answers `req` and returns true when a route matches; false leaves it to Next.js.
 */
export function fastRoutes(
  secret: () => string | readonly string[],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const routes: { method: string; path: RegExp; run: FastRoute }[] = [
    {
      method: "POST",
      path: /^\/api\/arena\/battles\/([^/?#]+)\/vote$/,
      run: (req, res, match) =>
        answer(res, async (setCookie) => {
          if (!isSameOriginRequest(nodeHeaders(req)))
            throw new HttpError(
              403,
              "Cross-site request refused: this endpoint only accepts writes from this app's own pages.",
            );
          const user = await requestUser(req, secret(), setCookie);
          if (!user) throw new HttpError(401, "Sign in to continue.");
          const body = (await readLimitedNode(req, VOTE_BODY_LIMIT)).toString("utf8");
          return submitVote(user, decodeURIComponent(match[1]), body);
        }),
    },
  ];
  return (req, res) => (ready ? dispatch(routes, req, res) : false);
}

/** The public APIs' throttles by path, as their route files name them (app/api/.../route.ts). */
const PUBLIC_API_RULES: Record<string, RuleName[]> = {
  "/api/infini-gram": ["infini-gram"],
  "/api/contamination": ["contamination"],
  "/api/v1/trace": ["trace", "trace-store"],
  "/api/v1/trace/context": ["trace"],
};

/**
 * Refuses (429) an anonymous public-API request from an address this instance has already refused for the
 * same rule within its window, before Next.js routes it: a flood of refused requests then costs ~0.1 ms each
 * instead of a trip through Next.js's route pipeline (~2 ms of CPU), which would take the CPU the signed-in
 * researchers' votes need. Callers with an API key or a session are left to the route (they are counted per key
 * or user). Returns true when it answered.
 */
export function refuseKnownThrottled(req: IncomingMessage, res: ServerResponse, address: string): boolean {
  if (req.method !== "POST") return false;
  const t = openThrottle();
  if (!t) return false;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const rules = PUBLIC_API_RULES[q === -1 ? url : url.slice(0, q)];
  if (
    !rules ||
    req.headers.authorization ||
    /(^|;\s*)(__Secure-)?next-auth\.session-token/.test(req.headers.cookie ?? "")
  )
    return false;
  for (const rule of rules) {
    const refusal = t.knownRefusal(rule, `addr:${address}`);
    if (refusal) {
      const { status, body, headers } = errorBody(refusal);
      // The body is not read: the connection closes after the answer.
      send(res, status, body, [], true, headers);
      return true;
    }
  }
  return false;
}

/**
 * Answers requests whose body no route will read: a declared Content-Length over the largest limit any route
 * has (413), and server actions (the `Next-Action` header) declaring more than their limit (413). A server
 * action sent without a length (chunked) is counted as it streams in (`limitStreamedBody`): under the limit
 * Next.js serves it; past it, a 413 naming the limit. Returns true when it answered. Runs before Next.js,
 * whether or not the app is ready.
 */
export function refuseOversizedBody(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  const declared = req.headers["content-length"];
  const isAction = req.method === "POST" && req.headers["next-action"] !== undefined;
  if (isAction && declared === undefined) {
    limitStreamedBody(req, res, SERVER_ACTION_BODY_LIMIT);
    return false;
  }
  try {
    checkDeclaredLength(declared, isAction ? SERVER_ACTION_BODY_LIMIT : LARGEST_BODY_LIMIT);
  } catch (e) {
    const { status, body } = errorBody(e);
    send(res, status, body, [], true);
    return true;
  }
  return false;
}

/**
 * Counts a request body's bytes where Node's HTTP parser hands them to the request stream (`push`), before
 * any reader sees them, so a reader that buffers the whole body (Next.js reading a server action) never gets
 * more than `limit`. Past it: the bytes are dropped, the socket stops being read (`push` returns false), the
 * request is answered 413 naming the limit and the connection closes (with a lingering close, so a client
 * still sending reads the 413: ./lingering-close.ts); the reader's body never completes.
 * Memory stays at what the reader holds (at most `limit`).
 */
export function limitStreamedBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const push = req.push;
  let seen = 0;
  let over = false;
  req.push = function limitedPush(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (over) return false;
    if (chunk !== null && chunk !== undefined) {
      seen += typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).length;
      if (seen > limit) {
        over = true;
        if (!res.headersSent) {
          const { status, body } = errorBody(new BodyTooLargeError(limit));
          send(res, status, body, [], true);
        } else {
          // Answered already without reading it all (Node would now read on to discard the rest): stop here.
          req.socket.destroy();
        }
        return false;
      }
    }
    return push.call(this, chunk, encoding);
  };
}

function dispatch(
  routes: { method: string; path: RegExp; run: FastRoute }[],
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  for (const r of routes) {
    if (req.method !== r.method) continue;
    const m = r.path.exec(pathname);
    if (m) {
      r.run(req, res, m).catch((e) => {
        log("http").error(
          { err: e instanceof Error ? (e.stack ?? e.message) : String(e), route: pathname },
          "fast route failed",
        );
        if (!res.headersSent) send(res, 500, { error: "Internal error" }, []);
        else res.destroy();
      });
      return true;
    }
  }
  return false;
}

/** Runs a handler and sends its result (200) or its error (errorBody's status) as JSON. */
async function answer(res: ServerResponse, fn: (setCookie: (c: SessionCookie) => void) => Promise<unknown>) {
  const cookies: string[] = [];
  const setCookie = (c: SessionCookie) => cookies.push(serializeCookie(c));
  try {
    const result = await fn(setCookie);
    send(res, 200, result, cookies);
  } catch (e) {
    const { status, body, headers } = errorBody(e);
    send(res, status, body, cookies, status === 413, headers);
  }
}

/**
 * Sends a JSON answer; `close` (or a 413) ends the connection after it, leaving any unread body unread (the
 * server's lingering close lets a client still sending read the answer first).
 */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  cookies: string[],
  close = status === 413,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...(close ? { connection: "close" } : {}),
    ...(cookies.length ? { "set-cookie": cookies } : {}),
  });
  res.end(text);
}

/** The signed-in user of a request (the session cookie; renewed when more than a day old). */
async function requestUser(
  req: IncomingMessage,
  secret: string | readonly string[],
  setCookie: (c: SessionCookie) => void,
): Promise<PublicUser | null> {
  const jar = parseCookies(req.headers.cookie ?? "");
  const session = await sessionUser(
    {
      get: (name) => (jar.has(name) ? { value: jar.get(name)! } : undefined),
      getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    },
    secret,
    sql(),
  );
  if (session?.renewal) setCookie(session.renewal);
  return session?.user ?? null;
}

/** A Node.js request's headers behind the web `Headers.get` shape (repeated headers joined by ", "). */
export function nodeHeaders(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get: (name) => {
      const v = req.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

/** Cookie header -> name/value pairs (values percent-decoded when they are encoded; first occurrence wins). */
export function parseCookies(header: string): Map<string, string> {
  const jar = new Map<string, string>();
  for (const raw of header.split(";")) {
    const part = raw.trim();
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (value.includes("%")) {
      try {
        value = decodeURIComponent(value);
      } catch {
        // Left as sent.
      }
    }
    if (!jar.has(name)) jar.set(name, value);
  }
  return jar;
}

function serializeCookie(c: SessionCookie): string {
  const o = c.options;
  return [
    `${c.name}=${c.value}`,
    `Path=${o.path}`,
    `Expires=${o.expires.toUTCString()}`,
    o.httpOnly ? "HttpOnly" : "",
    o.secure ? "Secure" : "",
    "SameSite=Lax",
  ]
    .filter(Boolean)
    .join("; ");
}
