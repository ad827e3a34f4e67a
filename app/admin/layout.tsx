import { currentUser } from "@/lib/auth/session";
import { AdminNav } from "./admin-nav";

/** Wraps every admin page with the section links; each page still checks the admin role itself. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  return (
    <>
      {user?.role === "admin" && <AdminNav />}
      {children}
    </>
  );
}
