#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// End-to-end check of the agent image, driven like the host drives it
// (spec 20 §5.3-§5.7): a per-group layout in a temporary project, `docker run
// -i --rm` with the host's mounts and env, ContainerInput on stdin, results
// from the stdout markers, follow-ups and `_close` as files.
//
// Environment: IMAGE (default nanoclaw-agent:latest), MOCK_URL, MOCK_LOG,
// E2E_WORK (scratch dir), E2E_FOLLOWUPS (latency samples, default 20),
// E2E_RESULT_JSON (where to write the timing JSON), E2E_BROWSER (0 = image has no
// Chromium), CONTAINER_RUNTIME_BIN.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AgentProcess } from './agent-harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCKER = process.env.CONTAINER_RUNTIME_BIN || 'docker';
const IMAGE = process.env.IMAGE || 'nanoclaw-agent:latest';
const MOCK_URL = required('MOCK_URL');
const MOCK_LOG = required('MOCK_LOG');
const WORK = required('E2E_WORK');
const FOLLOWUPS = Number.parseInt(process.env.E2E_FOLLOWUPS || '20', 10);
const FOLDER = 'e2e_group';
const CHAT = 'tg:-100e2e';
const SECRET = `sk-ant-api03-E2E-FAKE-${randomBytes(12).toString('hex')}`;
const UID = '1000';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error(`FAILED: ${what}`);
  checks++;
  console.log(`  ok ${checks} - ${what}`);
}

function docker(...args) {
  return execFileSync(DOCKER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The host's per-group layout (spec 20 §0.2, §5.2) inside a throwaway project. */
function prepareProject() {
  const project = path.join(WORK, 'project');
  const dirs = {
    project,
    group: path.join(project, 'groups', FOLDER),
    global: path.join(project, 'groups', 'global'),
    claude: path.join(project, 'data', 'sessions', FOLDER, '.claude'),
    runnerSrc: path.join(project, 'data', 'sessions', FOLDER, 'agent-runner-src'),
    ipc: path.join(project, 'data', 'ipc', FOLDER),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  for (const sub of ['messages', 'tasks', 'input']) fs.mkdirSync(path.join(dirs.ipc, sub), { recursive: true });
  // The secret lives in the project's .env, which is never mounted for non-main groups.
  fs.writeFileSync(path.join(project, '.env'), `ANTHROPIC_API_KEY=${SECRET}\n`, { mode: 0o600 });
  fs.copyFileSync(path.join(ROOT, 'groups', 'global', 'CLAUDE.md'), path.join(dirs.global, 'CLAUDE.md'));
  fs.writeFileSync(
    path.join(dirs.claude, 'settings.json'),
    `${JSON.stringify({ env: { CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS: '1', CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD: '1', CLAUDE_CODE_DISABLE_AUTO_MEMORY: '0' } }, null, 2)}\n`,
  );
  fs.cpSync(path.join(ROOT, 'container', 'agent-runner', 'src'), dirs.runnerSrc, { recursive: true });
  fs.writeFileSync(path.join(dirs.ipc, 'current_tasks.json'), '[]');
  // The container runs as uid 1000; a root host must hand it the writable dirs.
  execFileSync('chown', ['-R', `${UID}:${UID}`, path.join(project, 'groups'), path.join(project, 'data')]);
  return dirs;
}

const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function runArgs(dirs, name, extraEnv = []) {
  return [
    'run', '-i', '--rm', '--name', name,
    '-e', 'TZ=UTC',
    ...extraEnv.flatMap((e) => ['-e', e]),
    '-e', `ANTHROPIC_BASE_URL=${MOCK_URL}`,
    '-e', 'ANTHROPIC_API_KEY=placeholder',
    // Tests reach the loopback mock through the host network (no gateway IPs).
    '--network', 'host',
    '--user', `${UID}:${UID}`, '-e', 'HOME=/home/node',
    '-v', `${dirs.group}:/workspace/group`,
    '-v', `${dirs.global}:/workspace/global:ro`,
    '-v', `${dirs.claude}:/home/node/.claude`,
    '-v', `${dirs.ipc}:/workspace/ipc`,
    '-v', `${dirs.runnerSrc}:/app/src`,
    IMAGE,
  ];
}

function startContainer(dirs, extraEnv = []) {
  const name = `nanoclaw-${FOLDER.replace(/[^A-Za-z0-9-]/g, '-')}-${Date.now()}`;
  const started = performance.now();
  const agent = new AgentProcess(DOCKER, runArgs(dirs, name, extraEnv), { env: process.env });
  agent.name = name;
  agent.started = started;
  return agent;
}

/**
 * Writes a follow-up like the host's GroupQueue; returns the file name and
 * when it appeared on the system-wide monotonic clock (the runner logs the
 * same clock, so the difference is the delivery latency).
 */
function writeFollowUp(dirs, text) {
  const name = `${Date.now()}-${randomBytes(2).toString('hex').slice(0, 4)}.json`;
  const file = path.join(dirs.ipc, 'input', name);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ type: 'message', text }));
  // Stamped just before the rename: stamping after it could be late if this
  // process is descheduled, and the latency would come out too small.
  const writtenAt = process.hrtime.bigint();
  fs.renameSync(`${file}.tmp`, file);
  return { name, writtenAt };
}

function close(dirs) {
  fs.writeFileSync(path.join(dirs.ipc, 'input', '_close'), '');
}

function mockRequests() {
  return fs.readFileSync(MOCK_LOG, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function filesContaining(dir, needle) {
  const hits = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (fs.readFileSync(file).includes(needle)) hits.push(file);
  }
  return hits;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function firstRun(dirs, timings) {
  console.log('run 1: tools, secrets, CA bundle, follow-ups, _close');
  const agent = startContainer(dirs, [`NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`]);
  const probe =
    'env > /workspace/group/probe-env.txt; cat /proc/self/mounts > /workspace/group/probe-mounts.txt; id -u > /workspace/group/probe-uid.txt';
  agent.send({
    prompt:
      'e2e first [[tool:mcp__nanoclaw__send_message {"text":"e2e progress"}]] ' +
      `[[tool:Bash ${JSON.stringify({ command: probe, description: 'probe' })}]] [[reply:e2e first reply]]`,
    groupFolder: FOLDER,
    chatJid: CHAT,
    isMain: false,
    assistantName: 'Andy',
  });
  const first = await agent.waitForResult((r) => r === 'e2e first reply', 120000);
  timings.start_to_first_result_ms = Math.round(performance.now() - agent.started);
  check(first.status === 'success' && /^[0-9a-f-]{36}$/.test(first.newSessionId), 'final reply arrives through the markers with a session id');
  check(agent.stderrLines.some((l) => l.includes('runner source unchanged')), 'an unchanged runner copy runs the prebuilt code');

  const sent = fs.readdirSync(path.join(dirs.ipc, 'messages')).filter((n) => n.endsWith('.json'));
  check(sent.length === 1 && /^\d+-[0-9a-z]{6}\.json$/.test(sent[0]), 'send_message wrote one IPC file with the host naming scheme');
  const message = JSON.parse(fs.readFileSync(path.join(dirs.ipc, 'messages', sent[0]), 'utf8'));
  check(
    message.type === 'message' && message.chatJid === CHAT && message.text === 'e2e progress' && message.groupFolder === FOLDER,
    'the IPC message has the right type, chat, text and folder',
  );

  const env = docker('exec', agent.name, 'env');
  const inspect = docker('inspect', agent.name);
  const probeEnv = fs.readFileSync(path.join(dirs.group, 'probe-env.txt'), 'utf8');
  const probeMounts = fs.readFileSync(path.join(dirs.group, 'probe-mounts.txt'), 'utf8');
  check(fs.readFileSync(path.join(dirs.group, 'probe-uid.txt'), 'utf8').trim() === UID, 'the agent runs as uid 1000');
  check(!env.includes(SECRET) && !probeEnv.includes(SECRET) && !inspect.includes(SECRET), 'the secret is not in the container environment');
  check(probeEnv.includes('ANTHROPIC_API_KEY=placeholder'), 'the container only has the placeholder key');
  const runnerEnv = docker('exec', agent.name, 'cat', '/proc/1/environ').split('\0');
  check(
    probeEnv.split('\n').includes(`NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`) && !runnerEnv.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')),
    'the CA bundle reaches the agent\'s tools but not the runner\'s own node (PID 1)',
  );
  check(!probeMounts.includes(SECRET) && !probeMounts.includes('.env'), 'no .env is mounted');
  const leaks = [dirs.group, dirs.claude, dirs.ipc, dirs.runnerSrc, dirs.global].flatMap((d) => filesContaining(d, SECRET));
  check(leaks.length === 0, `no container-visible file contains the secret ${leaks.join(' ')}`);
  const requests = mockRequests();
  check(requests.every((r) => r.headers['x-api-key'] === 'placeholder'), 'every API request carried the placeholder key');
  check(!fs.readFileSync(MOCK_LOG, 'utf8').includes(SECRET), 'the secret never reached the API');

  const latencies = [];
  for (let i = 1; i <= FOLLOWUPS; i++) {
    const { name, writtenAt } = writeFollowUp(dirs, `follow-up ${i} [[reply:answer ${i}]]`);
    const escaped = name.replace(/[.]/g, '\\.');
    const match = await agent.waitForStderr(new RegExp(`Consumed input file ${escaped} .*monotonic_ns (\\d+)`), 30000);
    latencies.push(Number(BigInt(match[1]) - writtenAt) / 1e6);
    const answer = await agent.waitForResult((r) => r === `answer ${i}`, 60000);
    if (i === 1) check(answer.newSessionId === first.newSessionId, 'a follow-up is answered by the same container and session');
  }
  check(latencies.length === FOLLOWUPS, `${FOLLOWUPS} follow-ups answered`);

  const closedAt = performance.now();
  close(dirs);
  const { code } = await agent.waitForExit(60000);
  timings.close_to_exit_ms = Math.round(performance.now() - closedAt);
  check(code === 0, '_close ends the container with exit code 0');
  check(!docker('ps', '-a', '--format', '{{.Names}}').split('\n').includes(agent.name), 'the container is gone (--rm)');
  return { sessionId: first.newSessionId, latencies };
}

async function secondRun(dirs, sessionId, timings) {
  console.log('run 2: resume the session with a group-modified runner');
  const before = mockRequests().length;
  // A group's agent may edit its own runner copy; the entrypoint must compile it.
  fs.appendFileSync(path.join(dirs.runnerSrc, 'prompt.ts'), '\n// changed by the e2e test\n');
  const agent = startContainer(dirs);
  agent.send({ prompt: 'e2e second [[reply:e2e second reply]]', sessionId, groupFolder: FOLDER, chatJid: CHAT, isMain: false });
  const reply = await agent.waitForResult((r) => r === 'e2e second reply', 120000);
  timings.resumed_start_to_result_ms = Math.round(performance.now() - agent.started);
  check(reply.newSessionId === sessionId, 'the second run reports the same session id');
  check(agent.stderrLines.some((l) => l.includes('compiling it')), 'a modified runner copy is compiled and runs');
  const resumed = mockRequests().slice(before).find((r) => r.path === '/v1/messages');
  check(resumed && resumed.message_count > 2, `the resumed request carries the earlier conversation (${resumed?.message_count} messages)`);
  close(dirs);
  const { code } = await agent.waitForExit(60000);
  check(code === 0, 'the second container exits 0 on _close');
}

/** One short cold run; returns ms from `docker run` to the first output record. */
async function timedRun(dirs, sessionId, expectLine) {
  const agent = startContainer(dirs);
  agent.send({ prompt: 'timed [[reply:timed reply]]', sessionId, groupFolder: FOLDER, chatJid: CHAT, isMain: false });
  await agent.waitForRecords(1, 120000);
  const ms = agent.recordTimes[0] - (performance.timeOrigin + agent.started);
  await agent.waitForResult((r) => r === 'timed reply', 120000);
  close(dirs);
  const { code } = await agent.waitForExit(60000);
  if (code !== 0 || !agent.stderrLines.some((l) => l.includes(expectLine))) {
    throw new Error(`FAILED: timed run (exit ${code}) without "${expectLine}"\n${agent.tail()}`);
  }
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function cachedRunnerRuns(dirs, sessionId, timings) {
  console.log('run 2b: the edited runner comes from the group cache; cold starts compared with an unedited copy');
  const cacheDir = path.join(dirs.claude, '.nanoclaw-runner-cache');
  const entries = fs.readdirSync(cacheDir).filter((n) => !n.startsWith('.'));
  check(entries.length === 1 && fs.existsSync(path.join(cacheDir, entries[0], '.complete')), 'the compiled runner was cached once in the group\'s .claude');
  const promptFile = path.join(dirs.runnerSrc, 'prompt.ts');
  const edited = fs.readFileSync(promptFile);
  const original = fs.readFileSync(path.join(ROOT, 'container', 'agent-runner', 'src', 'prompt.ts'));
  const cached = [];
  const unedited = [];
  // Alternated, so drift in the machine's load hits both sides alike.
  for (let i = 0; i < 5; i++) {
    fs.writeFileSync(promptFile, edited);
    cached.push(await timedRun(dirs, sessionId, 'using the copy compiled at an earlier start'));
    fs.writeFileSync(promptFile, original);
    unedited.push(await timedRun(dirs, sessionId, 'runner source unchanged'));
  }
  timings.cached_runner_start_to_output_p50_ms = Math.round(median(cached));
  timings.unedited_runner_start_to_output_p50_ms = Math.round(median(unedited));
  check(
    median(cached) <= 1.1 * median(unedited),
    `a cached edited runner starts within 10% of an unedited one (p50 ${Math.round(median(cached))} vs ${Math.round(median(unedited))} ms)`,
  );
  // An entry without its completion stamp (a start killed mid-write) is rebuilt.
  fs.writeFileSync(promptFile, edited);
  fs.rmSync(path.join(cacheDir, entries[0], '.complete'));
  await timedRun(dirs, sessionId, 'compiling it');
  check(fs.existsSync(path.join(cacheDir, entries[0], '.complete')), 'an incomplete cache entry is ignored and rebuilt');
}

async function warmRun(dirs, sessionId, timings) {
  console.log('run 4: warm container, then the take');
  const agent = startContainer(dirs, ['NANOCLAW_WARM=1']);
  agent.sendLine({ sessionId, groupFolder: FOLDER, chatJid: CHAT, isMain: false });
  await agent.waitForStderr(/^\[agent-runner\] Warm and waiting for the prompt$/, 120000);
  const before = mockRequests().length;
  await new Promise((r) => setTimeout(r, 1000));
  check(agent.records.length === 0 && mockRequests().length === before, 'a warm container waits: no record, no API request');
  const takenAt = Date.now();
  agent.sendLine({ prompt: 'e2e warm [[reply:e2e warm reply]]', isScheduledTask: false }, { end: true });
  const reply = await agent.waitForResult((r) => r === 'e2e warm reply', 120000);
  // The mock logs a request once it has answered it, which can trail the reply by a moment.
  let post;
  for (let i = 0; i < 500 && !post; i++) {
    post = mockRequests().slice(before).find((r) => r.path === '/v1/messages');
    if (!post) await new Promise((r) => setTimeout(r, 10));
  }
  check(post !== undefined, 'the take reached the API');
  timings.warm_take_to_post_ms = Date.parse(post.ts) - takenAt;
  timings.warm_take_to_output_ms = agent.recordTimes[0] - takenAt;
  check(reply.newSessionId === sessionId, 'the warm run resumes the session from its start line');
  close(dirs);
  check((await agent.waitForExit(60000)).code === 0, 'the warm container exits 0 on _close');
}

async function brokenRunnerRun(dirs) {
  console.log('run 3: a runner copy that does not compile');
  // The host relies on this contract (issue 18): compiler errors on stderr, exit 78, no output
  // record, so it reports the first error line once and does not retry.
  fs.appendFileSync(path.join(dirs.runnerSrc, 'prompt.ts'), '\nconst broken: number = ;\n');
  const agent = startContainer(dirs);
  agent.send({ prompt: 'e2e third', groupFolder: FOLDER, chatJid: CHAT, isMain: false });
  const { code } = await agent.waitForExit(120000);
  check(code === 78, `a runner that does not compile exits 78 (got ${code})`);
  check(agent.records.length === 0, 'no output record from a runner that does not compile');
  check(agent.stderrLines.some((l) => /prompt\.ts\(\d+,\d+\): error TS\d+/.test(l)),
    'the compiler error names the file and line on stderr');
}

function report(latencies, timings) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const stats = {
    samples: sorted.length,
    p50_ms: +percentile(sorted, 50).toFixed(3),
    p90_ms: +percentile(sorted, 90).toFixed(3),
    max_ms: +sorted[sorted.length - 1].toFixed(3),
    min_ms: +sorted[0].toFixed(3),
  };
  console.log('\nfollow-up latency (just before the rename into input/ -> agent-runner consumed the file)');
  console.log('| samples | min ms | p50 ms | p90 ms | max ms |');
  console.log('|--------:|-------:|-------:|-------:|-------:|');
  console.log(`| ${stats.samples} | ${stats.min_ms} | ${stats.p50_ms} | ${stats.p90_ms} | ${stats.max_ms} |`);
  console.log('\ncontainer timings');
  for (const [k, v] of Object.entries(timings)) console.log(`  ${k}: ${v} ms`);
  const result = { image: IMAGE, followup_latency: stats, goal_p50_ms: 20, timings, checks };
  console.log(`\n${JSON.stringify(result)}`);
  if (process.env.E2E_RESULT_JSON) fs.writeFileSync(process.env.E2E_RESULT_JSON, `${JSON.stringify(result, null, 2)}\n`);
  check(stats.p50_ms <= 20, `follow-up latency p50 ${stats.p50_ms} ms is within the 20 ms goal`);
}

async function main() {
  // The probe the setup step uses to check an image (spec 20 §7.2).
  check(docker('run', '--rm', '--entrypoint', '/bin/echo', IMAGE, 'Container OK').trim() === 'Container OK', 'the image answers the setup probe');
  if (process.env.E2E_BROWSER !== '0') {
    // agent-browser must drive the image's Chromium (no network needed for a file: page).
    const script =
      'echo "<title>nc-smoke</title><button>Go</button>" > /tmp/p.html && agent-browser open file:///tmp/p.html ' +
      '&& agent-browser get title && agent-browser snapshot -i; agent-browser close';
    const out = docker('run', '--rm', '--entrypoint', 'bash', IMAGE, '-c', script);
    check(out.includes('nc-smoke') && /button "Go"/.test(out), 'agent-browser drives Chromium in the image');
  }
  const dirs = prepareProject();
  const timings = {};
  const { sessionId, latencies } = await firstRun(dirs, timings);
  await secondRun(dirs, sessionId, timings);
  await cachedRunnerRuns(dirs, sessionId, timings);
  await warmRun(dirs, sessionId, timings);
  await brokenRunnerRun(dirs);
  const leftovers = docker('ps', '-a', '--filter', `name=nanoclaw-${FOLDER.replace(/_/g, '-')}`, '--format', '{{.Names}}').trim();
  check(leftovers === '', 'no e2e container is left');
  report(latencies, timings);
  console.log(`\nall ${checks} checks passed`);
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
