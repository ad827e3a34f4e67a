/**
 * The literature bench's questions (bench/literature.ts): hand-written research questions about the
 * collection's subjects, questions generated from held-out word windows of the collection's own prose, and
 * off-topic questions that no paper of it answers: `OFF_TOPIC`, the first ten, and `OFF_TOPIC_EVERYDAY`,
 * twenty everyday questions that share more ordinary words with the collection's prose (political speeches
 * among it). The relevance floor (lib/retrieval/search.ts) was chosen looking at both sets' rates, so
 * neither is a held-out set.
 */
import { loadSources, mulberry32 } from "./literature-corpus";

export const RESEARCH_QUESTIONS = [
  "How is the gamma distribution related to the exponential distribution?",
  "What is the relative error of the regularized incomplete beta function?",
  "How do you compute the cumulative distribution function of a Student's t distribution?",
  "Which algorithm generates normally distributed pseudorandom numbers?",
  "How does the Box-Muller transform produce standard normal variates?",
  "What is the kurtosis of a Weibull distribution?",
  "How is the median of a log-normal distribution computed?",
  "How can the variance of a sample be computed in a single pass with Welford's algorithm?",
  "What is the moment-generating function of the binomial distribution?",
  "How does a Mersenne Twister pseudorandom number generator work?",
  "How do strided arrays support in-place operations on non-contiguous memory?",
  "What are the numerical issues of computing the natural logarithm of one plus x?",
  "How are complex numbers multiplied in double precision?",
  "How is the dot product of two vectors computed in BLAS?",
  "What is the entropy of a Laplace distribution?",
  "How do language models trace their outputs back to training data?",
  "Can experts trained on closed datasets be combined without joint training?",
  "How large is an FM-index compared to the corpus it indexes?",
  "Do spurious rewards improve mathematical reasoning with reinforcement learning?",
  "How should the batch size be warmed up when training language models?",
  "How does the federal budget deficit affect economic growth?",
  "What policies reduce unemployment and inflation?",
  "How is the arithmetic mean of a stream of values updated incrementally?",
  "What is the quantile function of the Cauchy distribution?",
  "How is the hypotenuse computed without overflow or underflow?",
  "What is the probability mass function of the Poisson distribution?",
  "How are exponentially weighted moving averages computed?",
  "How does Kahan summation reduce floating point error?",
  "What is the mode of a beta distribution?",
  "How do you test whether a sample comes from a normal distribution?",
];

export const OFF_TOPIC = [
  "What is the best recipe for sourdough bread?",
  "Who won the football world cup in 1998?",
  "How do I repair a flat bicycle tyre?",
  "Which hiking trails are open in winter near Lake Tahoe?",
  "What are good names for a golden retriever puppy?",
  "How long should I boil an egg for a runny yolk?",
  "What time does the pharmacy close on Sundays?",
  "Recommend a sci-fi movie with time travel and dinosaurs",
  "How do I knit a scarf with cable stitches?",
  "Which lipstick colour suits a yellow dress?",
];

export const OFF_TOPIC_EVERYDAY = [
  "How often should I water a cactus in summer?",
  "Where can I buy cheap concert tickets in Berlin?",
  "What is a good warm-up before running a marathon?",
  "How do I remove a red wine stain from a carpet?",
  "Which board games are fun for a family of four?",
  "What should I pack for a week of camping in the mountains?",
  "How do I train my cat to use a scratching post?",
  "What is the plot of the latest superhero film?",
  "How can I make my tomato plants grow faster?",
  "Which beaches in Portugal are best for surfing?",
  "How do I fix a squeaky door hinge?",
  "What colour should I paint a small bedroom?",
  "Who is the lead singer of the band Coldplay?",
  "How many calories are in a banana smoothie?",
  "What are the rules of cricket for beginners?",
  "How do I change the oil in a motorcycle?",
  "Which wedding dress styles are popular this year?",
  "How long does it take to fly from Paris to Tokyo?",
  "What is the best way to learn to play the ukulele?",
  "Where is the nearest dog park open at night?",
];

/** `count` questions from random word windows (6 to 13 words) of the collection's prose, reproducible by seed. */
export function generatedQuestions(root: string, count: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const { topics } = loadSources(root);
  const generated: string[] = [];
  while (generated.length < count) {
    const t = topics[Math.floor(rand() * topics.length)];
    const words = t.sentences[Math.floor(rand() * t.sentences.length)].replace(/[.,;:()]/g, "").split(" ");
    const len = 6 + Math.floor(rand() * 8);
    const start = Math.floor(rand() * Math.max(1, words.length - len));
    generated.push(
      `${["What", "How", "Why", "Which"][Math.floor(rand() * 4)]} ${words.slice(start, start + len).join(" ")}?`,
    );
  }
  return generated;
}
