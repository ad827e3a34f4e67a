"use client";

import { useActionState } from "react";
import { ActionButton } from "../../components/action-button";
import { Field } from "../../components/field";
import {
  importPapersAction,
  registerModelAction,
  setReasoningStartAction,
  setVoteCapAction,
  toggleLeaderboardAction,
  toggleModelAction,
} from "./actions";

function Message({ state }: { state?: { ok: boolean; message?: string } }) {
  if (!state?.message) return null;
  return state.ok ? (
    <p role="status" className="w-full text-sm text-emerald-700 dark:text-emerald-400">
      {state.message}
    </p>
  ) : (
    <p role="alert" className="field-error w-full">
      {state.message}
    </p>
  );
}

export function RegisterModelForm() {
  const [state, action, pending] = useActionState(registerModelAction, undefined);
  const e = state?.errors ?? {};
  return (
    <form action={action} className="card grid gap-3 sm:grid-cols-2" aria-label="Register a model">
      <Field
        id="name"
        label="Name (shown after votes)"
        required
        maxLength={60}
        error={e.name}
        placeholder="gpt-4o-mini"
      />
      <Field
        id="baseUrl"
        label="Base URL"
        required
        type="url"
        error={e.baseUrl}
        placeholder="https://api.openai.com/v1"
        hint="The endpoint's …/v1; requests go to {base URL}/chat/completions."
      />
      <Field
        id="modelName"
        label="Model name"
        required
        maxLength={200}
        error={e.modelName}
        placeholder="gpt-4o-mini"
      />
      <Field
        id="apiKey"
        label="API key (optional)"
        type="password"
        autoComplete="off"
        error={e.apiKey}
        hint="Stored encrypted; never shown again or sent to browsers."
      />
      <Field
        id="timeoutSeconds"
        label="Timeout (seconds)"
        type="number"
        min={1}
        max={600}
        defaultValue={60}
        required
        error={e.timeoutSeconds}
      />
      <Field
        id="maxConcurrent"
        label="Requests at a time"
        type="number"
        min={1}
        max={256}
        defaultValue={4}
        required
        error={e.maxConcurrent}
        hint="More wait their turn (a local server answers a few at once)."
      />
      <Field
        id="weight"
        label="Sampling weight"
        type="number"
        min={0.01}
        max={1000}
        step="any"
        defaultValue={1}
        required
        error={e.weight}
      />
      <div className="sm:col-span-2">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="reasoningStartsInside"
            className="mt-1"
            aria-describedby="reasoningStartsInside-hint"
          />
          <span>Replies start inside the reasoning (only &lt;/think&gt; appears)</span>
        </label>
        <p id="reasoningStartsInside-hint" className="muted mt-1 text-xs">
          For a reasoning model whose chat template opens &lt;think&gt; in the prompt, such as DeepSeek-R1 on
          vLLM without --reasoning-parser. Left unticked, the app learns it from the model's first such reply.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        <button type="submit" className="btn-primary" disabled={pending}>
          Register model
        </button>
        <Message state={state} />
      </div>
    </form>
  );
}

export function ToggleModelButton({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  return (
    <ActionButton
      action={toggleModelAction}
      fields={{ id, enabled: enabled ? "false" : "true" }}
      label={enabled ? "Disable" : "Enable"}
      ariaLabel={`${enabled ? "Disable" : "Enable"} ${name}`}
      variant={enabled ? "secondary" : "primary"}
    />
  );
}

export function LeaderboardToggleButton({ id, name, listed }: { id: string; name: string; listed: boolean }) {
  return (
    <ActionButton
      action={toggleLeaderboardAction}
      fields={{ id, listed: listed ? "false" : "true" }}
      label={listed ? "Hide from leaderboard" : "Show on leaderboard"}
      ariaLabel={`${listed ? "Hide" : "Show"} ${name} ${listed ? "from" : "on"} the leaderboard`}
      variant="secondary"
    />
  );
}

export function ReasoningStartButton({
  id,
  name,
  startsInside,
}: {
  id: string;
  name: string;
  startsInside: boolean;
}) {
  return (
    <ActionButton
      action={setReasoningStartAction}
      fields={{ id, startsInside: startsInside ? "false" : "true" }}
      label={startsInside ? "Replies open <think>" : "Replies start inside <think>"}
      ariaLabel={
        startsInside
          ? `${name}: read replies as answer unless they open with <think>`
          : `${name}: read replies as reasoning until </think>`
      }
      variant="secondary"
    />
  );
}

export function VoteCapForm({ cap }: { cap: number }) {
  const [state, action, pending] = useActionState(setVoteCapAction, undefined);
  return (
    <form action={action} className="card flex flex-wrap items-end gap-3">
      <div className="w-48">
        <Field
          id="cap"
          label="Daily vote cap per researcher"
          type="number"
          min={0}
          defaultValue={cap}
          error={state?.errors?.cap}
        />
      </div>
      <button type="submit" className="btn-secondary" disabled={pending}>
        Save
      </button>
      <Message state={state} />
    </form>
  );
}

export function ImportPapersForm() {
  const [state, action, pending] = useActionState(importPapersAction, undefined);
  return (
    <form action={action} className="card flex flex-wrap items-end gap-3">
      <div className="min-w-[16rem] flex-1">
        <label htmlFor="file" className="mb-1 block text-sm font-medium">
          Papers file (JSON lines, or gzip)
        </label>
        <input
          id="file"
          name="file"
          type="file"
          accept=".jsonl,.json,.ndjson,.gz,application/x-ndjson,application/json,application/gzip,text/plain"
          required
          className="input"
          aria-describedby="file-hint"
          aria-invalid={state?.errors?.file ? true : undefined}
        />
        <p id="file-hint" className="muted mt-1 text-xs">
          This app&apos;s records{" "}
          {"{id, title, authors[], year, venue?, url?, doi?, arxivId?, abstract, text?}"}, lines of
          arXiv&apos;s metadata snapshot, or OpenAlex works; up to 1 MB here, any size with{" "}
          <code>npm run admin -- import-papers --format FORMAT FILE</code>. A paper met again (same arXiv id,
          DOI or id) is updated.
        </p>
      </div>
      <div>
        <label htmlFor="format" className="mb-1 block text-sm font-medium">
          Format
        </label>
        <select id="format" name="format" className="input" defaultValue="jsonl">
          <option value="jsonl">This app&apos;s JSONL</option>
          <option value="arxiv">arXiv metadata snapshot</option>
          <option value="openalex">OpenAlex works</option>
        </select>
      </div>
      <button type="submit" className="btn-secondary" disabled={pending}>
        Import papers
      </button>
      <Message state={state} />
    </form>
  );
}
