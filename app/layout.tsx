import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth/session";
import { Nav } from "./components/nav";
import { ThemeScript } from "./components/theme-script";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "LM Research", template: "%s · LM Research" },
  description:
    "Literature-grounded model arena, training-data tracing and a switchable mixture-of-experts model.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [user, requestHeaders] = await Promise.all([currentUser(), headers()]);
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <ThemeScript nonce={requestHeaders.get("x-nonce") ?? undefined} />
      </head>
      <body className="min-h-screen font-sans antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900"
        >
          Skip to content
        </a>
        <Providers>
          <Nav user={user} />
          <main id="main" className="mx-auto max-w-6xl px-4 py-8">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
