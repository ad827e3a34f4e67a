import { chatCompletions, openAIHandler } from "@/lib/models/openai-server";

export const dynamic = "force-dynamic";

/** OpenAI-compatible chat completions over FlexOlmo-mini (streaming with `stream: true`). */
export const POST = openAIHandler((req) => chatCompletions(req));
