// SPDX-License-Identifier: MIT
// The first prompt of a container run (spec 20 §8.3 step 4).
import type { ContainerInput } from './protocol.js';

/** Tells the agent that nobody in the chat typed this; wording is part of the contract. */
export const SCHEDULED_TASK_PREFIX =
  '[SCHEDULED TASK - The following message was sent automatically and is not coming directly from the user or group.]';

/**
 * The host's prompt, marked when it comes from the scheduler, followed by any
 * follow-ups that were queued in the input directory before we started.
 */
export function buildInitialPrompt(input: ContainerInput, pendingFollowUps: string[]): string {
  let prompt = input.isScheduledTask ? `${SCHEDULED_TASK_PREFIX}\n\n${input.prompt}` : input.prompt;
  if (pendingFollowUps.length > 0) prompt += `\n${pendingFollowUps.join('\n')}`;
  return prompt;
}
