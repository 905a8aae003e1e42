// SPDX-License-Identifier: MIT
// For scripts/e2e-security.sh: reads every inspect-<container>.json (`docker inspect` output) in
// DIR and writes summary-<group folder>.json beside it: network, user, the run token of
// ANTHROPIC_BASE_URL, the placeholder credential variables, the project and .env-shadow mounts,
// whether .env itself is mounted, and every mount that is not the group's own.
// Usage: node inspect-summary.mjs DIR ROOT
import fs from 'node:fs';

const [dir, root] = process.argv.slice(2);
const ownDirs = (folder) => [`groups/${folder}`, `data/ipc/${folder}`, `data/sessions/${folder}`];

// A mount a container of `folder` may have (docs/security.md, "Container isolation").
function allowed(m, folder) {
  const main = folder === 'main';
  if (m.Source === `${root}/.env`) return false;
  if (m.Source === root) return main && m.Destination === '/workspace/project' && !m.RW;
  if (!m.Source.startsWith(`${root}/`)) {
    // The empty shadow over .env and over the daemon's socket.
    return main && m.Source === '/dev/null' && !m.RW &&
      ['/workspace/project/.env', '/workspace/project/data/nanoclawd.sock'].includes(m.Destination);
  }
  const rel = m.Source.slice(root.length + 1);
  if (ownDirs(folder).some((p) => rel === p || rel.startsWith(`${p}/`))) return true;
  if (rel === 'groups/global') return !main && !m.RW;
  if (rel === 'data/ca-cert') return !m.RW; // a copy of the host's CA bundle
  if (main && (rel === 'data/empty-env' || rel === 'data/empty-dir')) return !m.RW;
  return false;
}

for (const file of fs.readdirSync(dir).filter((n) => /^inspect-.*\.json$/.test(n))) {
  const c = JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8'))[0];
  const folder = c.Name.replace(/^\/nanoclaw-/, '').replace(/-\d+$/, '');
  const env = c.Config.Env ?? [];
  const base = (env.find((e) => e.startsWith('ANTHROPIC_BASE_URL=')) ?? '').split('=').slice(1).join('=');
  const project = c.Mounts.find((m) => m.Destination === '/workspace/project');
  const shadow = c.Mounts.find((m) => m.Destination === '/workspace/project/.env');
  fs.writeFileSync(`${dir}/summary-${folder}.json`, JSON.stringify({
    name: c.Name,
    network: c.HostConfig.NetworkMode,
    user: c.Config.User,
    token: (base.match(/\/r\/([0-9a-f]+)/) ?? [])[1] ?? '',
    placeholder_key: env.filter((e) => /^(ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN|ANTHROPIC_AUTH_TOKEN)=/.test(e)),
    foreign_mounts: c.Mounts.filter((m) => !allowed(m, folder)).map((m) => `${m.Source} -> ${m.Destination}`),
    env_mounted: c.Mounts.some((m) => m.Source === `${root}/.env`),
    project: project ? { source: project.Source, rw: project.RW } : null,
    env_shadow: shadow ? shadow.Source : null,
  }, null, 1));
}
