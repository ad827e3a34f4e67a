import assert from "node:assert/strict";
import { test } from "node:test";
import { readChatStream } from "./chat-stream";
import { chunkedBody, RECORDINGS, readRecording } from "./fake-openai-server";
import { ThinkTagSplitter } from "./think-tags";
import type { AnswerPiece } from "./types";

async function read(bytes: Uint8Array, size: number, options: { startsInside?: boolean } = {}) {
  const out = {
    answer: "",
    reasoning: "",
    usage: null as [number, number] | null,
    error: null as string | null,
  };
  try {
    for await (const p of readChatStream(chunkedBody(bytes, size), "Model A", undefined, options))
      collectPiece(out, p);
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

function collectPiece(
  out: { answer: string; reasoning: string; usage: [number, number] | null },
  p: AnswerPiece,
) {
  if (typeof p === "string") out.answer += p;
  else if ("reasoning" in p) out.reasoning += p.reasoning;
  else if ("moved" in p) {
    if (p.moved === "reasoning") [out.reasoning, out.answer] = [out.reasoning + out.answer, ""];
    else [out.answer, out.reasoning] = [out.reasoning + out.answer, ""];
  } else out.usage = [p.usage.promptTokens, p.usage.completionTokens];
}

const crlf = (b: Buffer) => Buffer.from(b.toString("utf8").replace(/\r?\n/g, "\r\n"));
const lf = (b: Buffer) => Buffer.from(b.toString("utf8").replace(/\r\n/g, "\n"));

for (const name of RECORDINGS) {
  test(`recorded ${name} stream: answer, reasoning, usage and errors come out right however it is cut`, async () => {
    const { bytes, info } = readRecording(name);
    for (const variant of [bytes, crlf(bytes), lf(bytes)]) {
      for (const size of [1, 2, 7, 61, 4096]) {
        const got = await read(variant, size);
        const where = `${info.server}, ${size}-byte chunks`;
        assert.equal(got.answer, info.answer, where);
        assert.equal(got.reasoning, info.reasoning, where);
        if (info.error) assert.match(got.error ?? "", new RegExp(`Model A failed: ${info.error}`), where);
        else assert.equal(got.error, null, where);
        if (info.usage) assert.deepEqual(got.usage, info.usage, where);
      }
    }
  });
}

test("a stream without [DONE] ends at the end of the body; a chunk that is not JSON fails as a protocol error", async () => {
  const noDone = Buffer.from(
    'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"choices":[{"delta":{"content":" there"}}]}',
  );
  assert.equal((await read(noDone, 5)).answer, "Hi there");
  const broken = Buffer.from('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {not json\n\n');
  assert.match((await read(broken, 5)).error ?? "", /Model A sent a stream chunk that is not JSON/);
  const cut = Buffer.from('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: {"choices":[{"del');
  assert.match((await read(cut, 5)).error ?? "", /Model A's stream broke off in the middle of an event/);
  const eventError = Buffer.from('event: error\ndata: {"message":"quota exceeded"}\n\n');
  assert.match((await read(eventError, 5)).error ?? "", /Model A failed: quota exceeded/);
});

test("an endless event (no line end) is refused at a bounded buffer instead of filling memory", async () => {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  const endless = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(c) {
      if (sent === 0) c.enqueue(new TextEncoder().encode("data: "));
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
  const before = process.memoryUsage().heapUsed;
  await assert.rejects(
    (async () => {
      for await (const _ of readChatStream(endless, "Model B"));
    })(),
    /Model B sent an event of more than 1000000 characters/,
  );
  assert.ok(sent < 4 * 1024 * 1024, `stopped after ${sent} bytes`);
  assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024);
});

test("<think> blocks are split from the answer wherever the tags are cut", () => {
  const text = "  <think>\nweigh [1] against [2]\n</think>\n\nThe answer [1] < 2 <b>.";
  for (let cut1 = 0; cut1 <= text.length; cut1++) {
    for (const cut2 of [cut1 + 1, cut1 + 3, text.length]) {
      const s = new ThinkTagSplitter();
      const parts = [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)].flatMap((c) => s.push(c));
      parts.push(...s.flush());
      const answer = parts.flatMap((p) => (p.kind === "text" ? [p.text] : [])).join("");
      const reasoning = parts.flatMap((p) => (p.kind === "reasoning" ? [p.text] : [])).join("");
      assert.equal(answer, "The answer [1] < 2 <b>.", `cut at ${cut1}/${cut2}`);
      assert.equal(reasoning, "\nweigh [1] against [2]\n", `cut at ${cut1}/${cut2}`);
    }
  }
  const plain = new ThinkTagSplitter();
  assert.deepEqual(
    [...plain.push("No reasoning <thin"), ...plain.flush()],
    [
      { kind: "text", text: "No reasoning " },
      { kind: "text", text: "<thin" },
    ],
  );
});

/** Answer and reasoning of `text` cut into three chunks at cut1 and cut2, `moved` pieces applied. */
function split(text: string, cut1: number, cut2: number, options: { startsInside?: boolean } = {}) {
  const s = new ThinkTagSplitter(options);
  const parts = [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)].flatMap((c) => s.push(c));
  parts.push(...s.flush());
  const out = { answer: "", reasoning: "", shownAsAnswer: "", moved: [] as string[] };
  for (const p of parts) {
    if (p.kind === "text") {
      out.answer += p.text;
      out.shownAsAnswer += p.text;
    } else if (p.kind === "reasoning") out.reasoning += p.text;
    else {
      out.moved.push(p.to);
      if (p.to === "reasoning") [out.reasoning, out.answer] = [out.reasoning + out.answer, ""];
      else [out.answer, out.reasoning] = [out.reasoning + out.answer, ""];
    }
  }
  return out;
}

test("a bare </think> (the server stripped the opening tag) moves what came before it to the reasoning, wherever the stream is cut", () => {
  const text = "Okay, weigh [1] against [2].\n</think>\n\nThe answer [1] < 2 <b>.";
  for (let cut1 = 0; cut1 <= text.length; cut1++) {
    for (const cut2 of [cut1 + 1, cut1 + 3, text.length]) {
      const where = `cut at ${cut1}/${cut2}`;
      // Not known beforehand: shown as answer until </think>, then moved.
      const unknown = split(text, cut1, cut2);
      assert.equal(unknown.answer, "The answer [1] < 2 <b>.", where);
      assert.equal(unknown.reasoning, "Okay, weigh [1] against [2].\n", where);
      assert.deepEqual(unknown.moved, ["reasoning"], where);
      // Known (the client learnt it from an earlier reply): the reasoning is never given out as answer.
      const known = split(text, cut1, cut2, { startsInside: true });
      assert.equal(known.answer, "The answer [1] < 2 <b>.", where);
      assert.equal(known.shownAsAnswer, "The answer [1] < 2 <b>.", where);
      assert.equal(known.reasoning, "Okay, weigh [1] against [2].\n", where);
      assert.deepEqual(known.moved, [], where);
    }
  }
  // Known to start inside, but this reply repeats the opening tag, or has no reasoning at all.
  const repeated = split("<think>\nhmm\n</think>\n\nAnswer.", 3, 9, { startsInside: true });
  assert.deepEqual([repeated.answer, repeated.reasoning], ["Answer.", "\nhmm\n"]);
  const none = split("Just an answer with <b> and </thin", 5, 30, { startsInside: true });
  assert.deepEqual(
    [none.answer, none.reasoning, none.moved],
    ["Just an answer with <b> and </thin", "", ["answer"]],
  );
  // Only the first tag can be a bare </think>: one later in an answer stays text.
  const later = split("<think>a</think>Use the </think> tag.", 2, 20);
  assert.deepEqual([later.answer, later.reasoning, later.moved], ["Use the </think> tag.", "a", []]);
});
