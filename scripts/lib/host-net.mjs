// SPDX-License-Identifier: MIT
// Host-side network look-ups for scripts/e2e-security.sh with nothing but node (no ss, ip or curl
// needed on the CI machine):
//   node host-net.mjs listeners PID   TCP addresses PID listens on ("ADDR:PORT", one a line),
//                                     from its socket fds matched against /proc/net/tcp{,6}
//   node host-net.mjs addresses       every address of this machine's interfaces ("IFACE ADDR")
//   node host-net.mjs status URL [BODY]
//                                     the HTTP status of a request (POST with a JSON BODY, else
//                                     GET), or 000 when nothing answers within 3 s
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';

const [command, ...args] = process.argv.slice(2);

// /proc/net/tcp addresses are hex in host byte order (little-endian words on x86 and arm).
function decodeAddress(hex) {
  const [addr, port] = hex.split(':');
  const bytes = Buffer.from(addr, 'hex');
  let text;
  if (bytes.length === 4) {
    text = [...bytes].reverse().join('.');
  } else {
    const words = [];
    for (let i = 0; i < 16; i += 4) words.push(Buffer.from(bytes.subarray(i, i + 4)).reverse());
    const b = Buffer.concat(words);
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    text = `[${groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
  }
  return `${text}:${Number.parseInt(port, 16)}`;
}

function listeners(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  for (const table of ['tcp', 'tcp6']) {
    const lines = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9])) console.log(decodeAddress(f[1]));
    }
  }
}

function addresses() {
  for (const [name, list] of Object.entries(os.networkInterfaces())) {
    for (const a of list) console.log(name, a.address);
  }
}

function status(url, body) {
  const req = http.request(url, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json', 'x-api-key': 'placeholder' } : {},
    timeout: 3000,
  }, (res) => { console.log(res.statusCode); res.resume(); });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => console.log('000'));
  req.end(body);
}

if (command === 'listeners') listeners(args[0]);
else if (command === 'addresses') addresses();
else if (command === 'status') status(args[0], args[1]);
else { console.error(`host-net: unknown command ${command}`); process.exit(2); }
