import { listModels, openAIHandler } from "@/lib/models/openai-server";

export const dynamic = "force-dynamic";

/** OpenAI-compatible: the FlexOlmo expert configurations (see lib/models/configurations.ts). */
export const GET = openAIHandler(() => listModels());
