/** Runs once when the server starts (see instrumentation-node.ts for what it does on Node.js). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./instrumentation-node");
    await startServer();
  }
}
