// SPDX-License-Identifier: MIT
// Command line: --auth-dir DIR --mode channel|auth [--pairing-code --phone DIGITS].

export interface BridgeArgs {
  authDir: string;
  mode: 'channel' | 'auth';
  pairingPhone?: string;
}

export const USAGE =
  'usage: bridge.js --auth-dir DIR --mode channel|auth [--pairing-code --phone DIGITS]\n' +
  '  JSON lines: events on stdout, commands on stdin (docs/whatsapp-bridge-protocol.md)';

/** Parses argv (without node and the script); a string is the error to print before exiting 2. */
export function parseArgs(argv: string[]): BridgeArgs | string {
  let authDir = '';
  let mode = '';
  let pairing = false;
  let phone = '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return undefined;
      i++;
      return v;
    };
    if (arg === '--auth-dir') authDir = value() ?? '';
    else if (arg === '--mode') mode = value() ?? '';
    else if (arg === '--phone') phone = value() ?? '';
    else if (arg === '--pairing-code') pairing = true;
    else return `unknown argument "${arg}"`;
  }
  if (!authDir) return '--auth-dir DIR is required';
  if (mode !== 'channel' && mode !== 'auth') return '--mode must be "channel" or "auth"';
  if (pairing && mode !== 'auth') return '--pairing-code is only valid with --mode auth';
  if (pairing && !/^\d{6,20}$/.test(phone)) return '--pairing-code needs --phone with the number in digits (country code, no +)';
  if (!pairing && phone) return '--phone is only valid with --pairing-code';
  return pairing ? { authDir, mode, pairingPhone: phone } : { authDir, mode };
}
