import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

function auth(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { auth as GET, auth as POST };
