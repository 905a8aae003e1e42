// SPDX-License-Identifier: MIT
// Baileys objects -> protocol events. No policy: which chats matter, names, bot detection and
// storage are the daemon's.
import { normalizeMessageContent } from '@whiskeysockets/baileys';
import type { WAMessage, WAMessageUpdate, MessageUserReceiptUpdate } from '@whiskeysockets/baileys';

import type { BridgeEvent, MessageEvent } from './protocol.js';

/** Resolves an `@lid` JID to a phone JID through the library's LID store; '' when unknown. */
export type LidLookup = (lidJid: string) => Promise<string>;

/** `<user>[:device]@server` -> `<user>`. */
export function jidUser(jid: string): string {
  return jid.split('@')[0].split(':')[0];
}

/** Any phone-number form (`49151...`, `49151...:3@s.whatsapp.net`) -> `<digits>@s.whatsapp.net`;
 *  '' for anything that is not a phone JID (an `@lid`, a group). */
export function phoneJid(value: string | null | undefined): string {
  if (!value) return '';
  const at = value.indexOf('@');
  if (at !== -1 && value.slice(at + 1) !== 's.whatsapp.net') return '';
  const user = jidUser(value);
  return user ? `${user}@s.whatsapp.net` : '';
}

export const isLid = (jid: string | null | undefined): jid is string => !!jid && jid.endsWith('@lid');

function seconds(ts: WAMessage['messageTimestamp']): number {
  if (typeof ts === 'number') return Math.trunc(ts);
  if (ts && typeof ts === 'object' && 'toNumber' in ts) return Math.trunc(ts.toNumber());
  if (typeof ts === 'string') return Number.parseInt(ts, 10) || 0;
  return 0;
}

async function pnFor(jid: string, alt: string | undefined, lookup: LidLookup): Promise<string> {
  if (!isLid(jid)) return '';
  return (await lookup(jid)) || phoneJid(alt);
}

/** One upserted message as a `message` event, or null when it is not relayed (no payload,
 *  nothing left after unwrapping, no chat, or status@broadcast). */
export async function toMessageEvent(
  msg: WAMessage,
  upsert: string,
  lookup: LidLookup,
): Promise<MessageEvent | null> {
  if (!msg.message) return null;
  const content = normalizeMessageContent(msg.message);
  if (!content) return null;
  const key = msg.key;
  const remoteJid = key.remoteJid ?? '';
  if (!remoteJid || remoteJid === 'status@broadcast') return null;
  const participant = key.participant ?? '';
  // Baileys 6 put the sender's phone number in key.senderPn; 7 has remoteJidAlt/participantAlt.
  const senderAlt = participant ? key.participantAlt : key.remoteJidAlt;
  const senderPn = (key as { senderPn?: string }).senderPn;
  return {
    type: 'message',
    upsert,
    id: key.id ?? '',
    remote_jid: remoteJid,
    participant,
    from_me: key.fromMe === true,
    push_name: msg.pushName ?? '',
    timestamp: seconds(msg.messageTimestamp),
    sender_pn: phoneJid(senderPn) || phoneJid(senderAlt),
    remote_jid_pn: await pnFor(remoteJid, key.remoteJidAlt, lookup),
    participant_pn: participant ? await pnFor(participant, key.participantAlt, lookup) : '',
    content: {
      conversation: content.conversation ?? '',
      extended_text: content.extendedTextMessage?.text ?? '',
      image_caption: content.imageMessage?.caption ?? '',
      video_caption: content.videoMessage?.caption ?? '',
    },
  };
}

// WebMessageInfo.Status: 4 DELIVERY_ACK, 5 READ, 6 PLAYED (3 SERVER_ACK is not a receipt).
const STATUS_NAMES: Record<number, 'delivered' | 'read' | 'played'> = { 4: 'delivered', 5: 'read', 6: 'played' };

/** `messages.update` status changes of our own messages (DMs) as receipts. */
export function receiptsFromUpdates(updates: WAMessageUpdate[]): BridgeEvent[] {
  const out: BridgeEvent[] = [];
  for (const { key, update } of updates) {
    const status = typeof update?.status === 'number' ? STATUS_NAMES[update.status] : undefined;
    if (!status || !key?.fromMe || !key.id || !key.remoteJid) continue;
    out.push({ type: 'receipt', id: key.id, jid: key.remoteJid, status });
  }
  return out;
}

/** `message-receipt.update` (per-recipient receipts, groups) as receipts. */
export function receiptsFromUserReceipts(updates: MessageUserReceiptUpdate[]): BridgeEvent[] {
  const out: BridgeEvent[] = [];
  for (const { key, receipt } of updates) {
    if (!key?.id || !key.remoteJid || !receipt) continue;
    const status = receipt.playedTimestamp
      ? 'played'
      : receipt.readTimestamp
        ? 'read'
        : receipt.receiptTimestamp
          ? 'delivered'
          : undefined;
    if (status) out.push({ type: 'receipt', id: key.id, jid: key.remoteJid, status });
  }
  return out;
}
