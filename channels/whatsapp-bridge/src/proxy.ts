// SPDX-License-Identifier: MIT
// HTTPS_PROXY for the WhatsApp WebSocket and media fetches (Docker Sandboxes route everything
// through one). Node's WebSocket client and fetch ignore the proxy variables, so Baileys gets an
// explicit agent. The WA Web version lookup uses plain fetch and falls back to the library default.
import type { Agent } from 'node:https';

import { HttpsProxyAgent } from 'https-proxy-agent';

const WHATSAPP_HOSTS = ['web.whatsapp.com', 'mmg.whatsapp.net'];

/** The proxy URL to use for WhatsApp's hosts, or '' (none set, or NO_PROXY covers them). */
export function proxyUrl(env: NodeJS.ProcessEnv): string {
  const url = env.HTTPS_PROXY || env.https_proxy || '';
  if (!url) return '';
  const noProxy = (env.NO_PROXY || env.no_proxy || '')
    .split(',')
    .map((e) => e.trim().toLowerCase().replace(/^\*?\./, ''))
    .filter(Boolean);
  const bypass = (host: string) => noProxy.some((e) => e === '*' || host === e || host.endsWith(`.${e}`));
  return WHATSAPP_HOSTS.every(bypass) ? '' : url;
}

/** An agent for `url`, or undefined for a direct connection. */
export function proxyAgent(url: string): Agent | undefined {
  return url ? (new HttpsProxyAgent(url) as unknown as Agent) : undefined;
}
