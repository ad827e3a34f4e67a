/** @type {import('next').NextConfig} */
const nextConfig = {
  // forbidden() and unauthorized() render 403/401 pages with the right status.
  // Server actions' body limit: lib/http-error.ts's SERVER_ACTION_BODY_LIMIT (a test keeps the two equal).
  // The proxy (proxy.ts) never runs on server actions; if it did, it would copy at most this much of a body.
  experimental: {
    authInterrupts: true,
    serverActions: { bodySizeLimit: "1mb" },
    proxyClientMaxBodySize: "1mb",
  },
  // Native and worker-thread packages stay outside the server bundle and load from node_modules.
  serverExternalPackages: [
    "better-sqlite3",
    "@node-rs/argon2",
    "onnxruntime-node",
    "pg",
    "pg-boss",
    "pino",
    "@prisma/adapter-better-sqlite3",
    "koffi",
  ],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true }, // `npm test` runs tsc itself; not twice.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
