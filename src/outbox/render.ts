import MailComposer from 'nodemailer/lib/mail-composer';
import type { MessageRequest } from '../domain/message.js';
import { assertSafeHeaderName, assertSafeHeaderValue } from '../domain/header-safety.js';
import { parseMailbox } from '../domain/address.js';
import { VigilError } from '../domain/errors.js';

export interface RenderedMessage {
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/**
 * Renders a message once, at enqueue: RFC 5322 headers with a stable Message-ID and Date,
 * headers for machine-sent mail, a text part and an optional HTML part. The bytes stored are
 * the bytes sent on every retry, so a duplicate is recognisable by its Message-ID.
 * Throws before anything is stored if any value could inject a header.
 */
export async function renderMessage(request: MessageRequest, ids: { id: string; domain: string }, date: Date): Promise<RenderedMessage> {
  assertSafeHeaderValue('subject', request.subject);
  const from = parseMailbox('from', request.from);
  if (request.to.length === 0) {
    throw new VigilError('ERR_RECIPIENTS_EMPTY', `message "${request.subject}" has no recipient`, {
      hint: 'Give --to ADDR, or add addresses to the profile’s addressBook and notification.admins.',
    });
  }
  const to = request.to.map((value, index) => parseMailbox(`to[${index}]`, value));
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-generated', // RFC 3834: no vacation replies, no loops
    'X-Auto-Response-Suppress': 'All', // the same, for Exchange
    'X-Vigil-Kind': request.kind,
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    assertSafeHeaderName(name);
    assertSafeHeaderValue(`header ${name}`, value);
    headers[name] = value;
  }
  for (const attachment of request.attachments ?? []) assertSafeHeaderValue('attachment filename', attachment.filename);
  const messageId = `<${ids.id}@${ids.domain}>`;
  const composer = new MailComposer({
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: to.map((m) => (m.name ? { name: m.name, address: m.address } : m.address)),
    subject: request.subject,
    text: request.text,
    ...(request.html === undefined ? {} : { html: request.html }),
    ...(request.attachments?.length ? { attachments: request.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })) } : {}),
    messageId,
    date,
    headers,
    // Nodemailer would otherwise add its own X-Mailer; the message says who sent it in From.
    xMailer: false,
  });
  const raw = await composer.compile().build();
  return { messageId, envelope: { from: from.address, to: to.map((m) => m.address) }, raw };
}
