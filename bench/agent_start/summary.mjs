// SPDX-License-Identifier: MIT
// The agent-start benchmark's rows, statistics, targets and printed tables. Every value is ms
// after the local client wrote the message; a negative one happened before it (a warm
// container's start-up, done while it waited); null ("-") means the line never came (an image
// without phase lines, or a step that does not happen in that mode).
import { percentile } from '../e2e/harness.mjs';

/** [key, label, the phase line it is read from (null: measured another way)], in start-up order. */
export const ROWS = [
  ['daemon_start', 'daemon: docker run exec\'d / warm container taken', null],
  ['container_started', 'docker: State.StartedAt', null],
  ['entrypoint_start', '[entrypoint] start', 'entrypoint start'],
  ['entrypoint_exec', '[entrypoint] exec (node)', 'entrypoint exec'],
  ['main', '[agent-runner] main', 'agent-runner main'],
  ['sdk_loaded', '[agent-runner] sdk-loaded', 'agent-runner sdk-loaded'],
  ['input', '[agent-runner] input', 'agent-runner input'],
  ['query', '[agent-runner] query', 'agent-runner query'],
  ['claude_ready', '[agent-runner] claude-ready', 'agent-runner claude-ready'],
  ['warm_ready', '[agent-runner] warm-ready', 'agent-runner warm-ready'],
  ['prompt', '[agent-runner] prompt', 'agent-runner prompt'],
  ['first_post', 'mock: first POST /v1/messages', null],
  ['output', '[agent-runner] output', 'agent-runner output'],
  ['host_output', 'daemon: first output record (log)', null],
  ['client_reply', 'local client: reply text', null],
];

export const FLOORS = [
  ['docker_true_bridge', 'docker run --rm --entrypoint true (default bridge)'],
  ['docker_true_host', 'docker run --rm --entrypoint true (--network host)'],
  ['docker_node_bridge', 'docker run --rm --entrypoint node <image> -e 0'],
];

/** Acceptance targets of issue 21 item 3: p50 of a row in a mode, at most `max` ms. */
export const TARGETS = [
  { id: 'warm_first_post_p50', mode: 'warm', key: 'first_post', max: 150,
    name: 'warm: message → first POST at the API, p50' },
  { id: 'warm_host_output_p50', mode: 'warm', key: 'host_output', max: 200,
    name: 'warm: message → first output at the host, p50' },
  { id: 'cold_first_post_p50', mode: 'cold', key: 'first_post', max: 800,
    name: 'cold: message → first POST at the API, p50' },
];

const round1 = (x) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** p50 and p90 of each row over the samples. */
export function phaseStats(samples) {
  const stats = {};
  for (const [key] of ROWS) {
    const values = samples.map((s) => s[key]);
    stats[key] = { p50: round1(percentile(values, 0.5)), p90: round1(percentile(values, 0.9)) };
  }
  return stats;
}

/**
 * Per floor: p50/p90 of the whole `docker run` to its exit (the floor as such), of the container's
 * start (Docker's start event, ms after the CLI was launched) and of how long it ran (die - start).
 */
export function floorStats(floorSamples) {
  const out = {};
  for (const [key] of FLOORS) {
    const v = floorSamples[key] ?? [];
    const stat = (field) => ({ p50: round1(percentile(v.map((x) => x[field]), 0.5)), p90: round1(percentile(v.map((x) => x[field]), 0.9)) });
    out[key] = { ...stat('exit'), started: stat('started'), ran: stat('ran'), samples: v.map((x) => round1(x.exit)) };
  }
  return out;
}

export function checkTargets(modes) {
  return TARGETS.map((t) => {
    const value = modes[t.mode]?.phases?.[t.key]?.p50 ?? null;
    return { id: t.id, name: t.name, op: '<=', target: t.max, value, met: value === null ? null : value <= t.max };
  });
}

const f = (x) => (x === null || x === undefined ? '-' : x.toFixed(0));
const col = (x, w = 9) => f(x).padStart(w);
const LABEL = 52;

/** The phase table of one network set-up, the floors and the verdicts. */
export function printTables(result, title) {
  const { cold, warm } = result;
  console.log(`${title}: ms after the message was sent; ${cold.runs} cold + ${warm.runs} warm runs`);
  console.log(`${'phase'.padEnd(LABEL)}${'cold p50'.padStart(9)}${'cold p90'.padStart(9)}${'warm p50'.padStart(9)}${'warm p90'.padStart(9)}`);
  for (const [key, label] of ROWS) {
    const c = cold.phases[key];
    const w = warm.phases[key];
    console.log(`${label.padEnd(LABEL)}${col(c.p50)}${col(c.p90)}${col(w.p50)}${col(w.p90)}`);
  }
  for (const [mode, r] of [['cold', cold], ['warm', warm]]) {
    if (r.compiled_runner) {
      console.log(`${mode}: ${r.compiled_runner} of ${r.runs} runs compiled the agent runner (the group's copy of ` +
        'container/agent-runner/src differs from the image\'s: rebuild the image to time the prebuilt path)');
    }
  }
  if (warm.skipped) console.log(`warm: ${warm.samples.length ? 'stopped early' : 'skipped'}: ${warm.skipped}`);
  for (const [mode, r] of [['cold', cold], ['warm', warm]]) {
    if (r.failed_runs) {
      console.log(`${mode}: ${r.failed_runs} run(s) failed before replying (the daemon's "agent run failed"; ` +
        'a new container answered later; left out above)');
    }
    if (r.failed_after_reply || r.reprimed) {
      console.log(`${mode}: ${r.failed_after_reply} run(s) ended with an error after replying (counted); ` +
        `${r.reprimed} uncounted message(s) sent to refill the pool after a failed run`);
    }
  }
  if (warm.cold_fallbacks) console.log(`warm: ${warm.cold_fallbacks} run(s) spawned a container instead of taking the warm one (left out above)`);
}

export function printFloors(floors, runs) {
  console.log(`${`floors, same run (${runs} each): ms after docker run`.padEnd(LABEL)}${'exit p50'.padStart(9)}` +
    `${'exit p90'.padStart(9)}${'start p50'.padStart(10)}${'ran p50'.padStart(9)}`);
  for (const [key, label] of FLOORS) {
    const x = floors[key];
    console.log(`${label.padEnd(LABEL)}${col(x.p50)}${col(x.p90)}${col(x.started.p50, 10)}${col(x.ran.p50)}`);
  }
}

/**
 * Where the cold first POST goes, per run (p50 of each difference): Docker's part (docker run ->
 * StartedAt; floor: a bare container's start), node's start (StartedAt -> the runner's first
 * line; floor: how long `node -e 0` runs), and the rest (the runner, the SDK, claude: ours).
 */
export function coldSplit(samples, floors) {
  const p50 = (fn) => round1(percentile(samples.map((s) => {
    const v = fn(s);
    return Number.isFinite(v) ? v : null;
  }), 0.5));
  const d = (a, b) => (s) => (s[a] === null || s[b] === null ? NaN : s[a] - s[b]);
  return {
    docker_ms: p50(d('container_started', 'daemon_start')), docker_floor_ms: floors.docker_true_bridge.started.p50,
    node_ms: p50(d('main', 'container_started')), node_floor_ms: floors.docker_node_bridge.ran.p50,
    rest_ms: p50(d('first_post', 'main')), daemon_ms: p50((s) => s.daemon_start ?? NaN),
  };
}

export function printSplit(split, post) {
  if (post === null || split.docker_ms === null) return;
  console.log(`cold message → first POST p50 ${f(post)} ms, split per run (p50 of each part): daemon ${f(split.daemon_ms)}, ` +
    `docker run → started ${f(split.docker_ms)} (floor ${f(split.docker_floor_ms)}), started → runner main ` +
    `${f(split.node_ms)} (floor: node -e 0 runs ${f(split.node_floor_ms)}), main → first POST ${f(split.rest_ms)} (runner, SDK, claude)`);
}

export function printTargets(targets) {
  console.log('targets (issue 21 item 3):');
  for (const t of targets) {
    const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED';
    console.log(`  ${`${t.name} ≤ ${t.target} ms`.padEnd(LABEL + 4)}${f(t.value).padStart(6)} ms  ${verdict}`);
  }
}
