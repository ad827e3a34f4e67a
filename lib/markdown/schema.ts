/**
 * What of a model's Markdown may reach the page: rehype-sanitize's default schema (GitHub's), plus the
 * classes remark-math puts on math code so rehype-katex, which runs after the sanitiser, can find it.
 * Raw HTML in an answer is never parsed (react-markdown leaves it as text); links keep only safe
 * protocols and get no target.
 */
import { defaultSchema } from "rehype-sanitize";

type Schema = typeof defaultSchema;

export const answerSchema: Schema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    code: [["className", /^language-./, "math-inline", "math-display"]],
  },
};

/** The answer schema plus the marks of ./trace-regions.ts (a traced answer's highlights). */
export const tracedAnswerSchema: Schema = {
  ...answerSchema,
  attributes: {
    ...answerSchema.attributes,
    span: [...(answerSchema.attributes?.span ?? []), "dataRegion", "dataFirst", "dataLocated"],
    div: [...(answerSchema.attributes?.div ?? []), "dataRegion", "dataFirst"],
  },
};
