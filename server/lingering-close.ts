/**
 * A lingering close for connections the server ends after an answer while the client may still be sending
 * (a 413 for a body over its limit, a 429 whose body is not read, any answer with `Connection: close`).
 *
 * Node ends such a connection with `socket.destroySoon()`: it sends the answer and a FIN, then closes the
 * socket at once. With request bytes still unread the kernel answers with a RST, and a client still writing
 * its body can lose the answer already on its way: it sees "connection reset" instead of the 413. Here the
 * server sends the answer and a FIN and, when the request's body was not all read, stops reading and closes
 * only when the client closes its side or after `ms`, by when any client that reads while it writes has read
 * the answer. Nothing more is read meanwhile, so memory and bandwidth stay bounded by the kernel's socket
 * buffers whatever the client goes on sending. A request read whole closes as soon as the client closes.
 * (nginx's lingering_close does the same and discards what arrives; here nothing is read at all.)
 */
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";

/** How long a connection ended after its answer stays open for the client to read that answer. */
export const LINGER_MS = 2_000;

/** Gives every connection of `server` a lingering close (see the file's header). */
export function lingerOnClose(server: Server, ms = LINGER_MS): void {
  // The request a connection is answering: only one whose body is not all read needs the linger.
  const current = new WeakMap<Socket, IncomingMessage>();
  server.on("request", (req: IncomingMessage) => current.set(req.socket, req));
  server.on("connection", (socket: Socket) => {
    socket.destroySoon = function lingeringDestroySoon(this: Socket) {
      linger(this, ms, current.get(this)?.complete !== false);
    };
  });
}

function linger(socket: Socket, ms: number, bodyRead: boolean): void {
  if (socket.destroyed) return;
  // The answer, then a FIN: what was written is sent before anything is cut.
  if (socket.writable) socket.end();
  if (socket.readableEnded) {
    socket.destroy();
    return;
  }
  const cut = () => {
    clearTimeout(timer);
    if (!socket.destroyed) socket.destroy();
  };
  const timer = setTimeout(cut, ms);
  timer.unref();
  // With the body all read, the client's close is read as it comes and ends the connection at once; with
  // body bytes still arriving, nothing more is read and the connection waits for the client or the time.
  if (!bodyRead) socket.pause();
  socket.once("end", cut);
  socket.once("close", cut);
  socket.on("error", cut);
}
