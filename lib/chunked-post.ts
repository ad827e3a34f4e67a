/**
 * For tests of body limits: POSTs up to `offered` bytes to `url` in 64 KiB chunks, with no Content-Length
 * (Transfer-Encoding: chunked), and stops writing when the server answers or closes. Resolves with the
 * status, the body and how many bytes the client got out, so a test can tell the server stopped reading.
 */
import { request } from "node:http";

export function chunkedPost(
  url: string | URL,
  offered: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; sent: number }> {
  const chunk = Buffer.alloc(64 * 1024, 97);
  return new Promise((resolve) => {
    let sent = 0;
    let status = 0;
    let body = "";
    const req = request(url, { method: "POST", headers: { "transfer-encoding": "chunked", ...headers } });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.on("data", (d) => {
        body += d;
      });
    });
    req.on("error", () => {});
    req.on("close", () => resolve({ status, body, sent }));
    const pump = () => {
      while (sent < offered && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}
