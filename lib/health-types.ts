export type ComponentStatus = { status: "ok" | "absent" | "error"; detail?: string; [k: string]: unknown };
