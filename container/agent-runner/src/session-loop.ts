// SPDX-License-Identifier: MIT
// The container's whole conversation (spec 20 §8.4): run a query, tell the
// host the session id, wait for a follow-up or `_close`, repeat.
import type { ContainerInput, ContainerOutput } from './protocol.js';
import { errorMessage } from './protocol.js';
import type { IpcInbox } from './ipc-inbox.js';
import type { QueryOutcome, SessionPosition } from './agent-query.js';
import { buildInitialPrompt } from './prompt.js';
import { log } from './log.js';

export interface SessionDeps {
  input: ContainerInput;
  inbox: IpcInbox;
  runQuery: (prompt: string, position: SessionPosition) => Promise<QueryOutcome>;
  emit: (output: ContainerOutput) => void;
}

/** Returns the process exit code: 0 after `_close`, 1 after an error record. */
export async function runSession(deps: SessionDeps): Promise<number> {
  const { input, inbox, emit } = deps;
  inbox.prepare();
  const pending = inbox.drain();
  if (pending.length > 0) log(`Adding ${pending.length} queued follow-ups to the first prompt`);
  let prompt = buildInitialPrompt(input, pending);
  const position: SessionPosition = { sessionId: input.sessionId };

  try {
    for (;;) {
      log(`Starting query (session ${position.sessionId ?? 'new'}, resume at ${position.resumeAt ?? 'latest'})`);
      const outcome = await deps.runQuery(prompt, { ...position });
      if (outcome.newSessionId) position.sessionId = outcome.newSessionId;
      if (outcome.lastAssistantUuid) position.resumeAt = outcome.lastAssistantUuid;

      // No record on close: a marker would restart the host's hard timeout and
      // delay the next `_close` cycle (spec 20 §5.10).
      if (outcome.closedDuringQuery) {
        log('Closed during the query; exiting');
        return 0;
      }
      emit({ status: 'success', result: null, newSessionId: position.sessionId });

      log('Waiting for a follow-up or _close');
      const event = await inbox.next();
      if (event.kind === 'close') {
        log('Close sentinel received; exiting');
        return 0;
      }
      prompt = event.texts.join('\n');
      log(`Follow-up received (${prompt.length} chars)`);
    }
  } catch (err) {
    const message = errorMessage(err);
    log(`Agent error: ${message}`);
    emit({ status: 'error', result: null, newSessionId: position.sessionId, error: message });
    return 1;
  }
}
