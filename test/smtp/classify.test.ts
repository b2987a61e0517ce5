import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySmtpFailure, type FailureContext, type SmtpFailure } from '../../src/transports/smtp/classify.js';

const base: FailureContext = { dataSent: false, timedOut: false, shuttingDown: false, phase: 'send', timeoutMs: 30_000 };

const table: Array<[string, SmtpFailure, Partial<FailureContext>, string, string]> = [
  ['refused connection', { message: 'connect ECONNREFUSED', code: 'ESOCKET', originalCode: 'ECONNREFUSED' }, { phase: 'connect' }, 'temporary', 'ERR_SMTP_CONNECT'],
  ['greeting timeout', { message: 'cut off' }, { phase: 'connect', timedOut: true }, 'temporary', 'ERR_SMTP_TIMEOUT'],
  ['timeout after data', { message: 'cut off' }, { timedOut: true, dataSent: true }, 'ambiguous', 'ERR_SMTP_AMBIGUOUS'],
  // nodemailer's own greeting/connection/socket timers run with the same length as Vigil's
  // deadline and may fire first: the same event, so the same classification.
  ['greeting timeout reported by nodemailer first', { message: 'Greeting never received', code: 'ETIMEDOUT' }, { phase: 'connect' }, 'temporary', 'ERR_SMTP_TIMEOUT'],
  ['socket timeout reported by nodemailer after data', { message: 'Timeout', code: 'ETIMEDOUT' }, { dataSent: true }, 'ambiguous', 'ERR_SMTP_AMBIGUOUS'],
  ['lost after data', { message: 'Connection closed unexpectedly', code: 'ECONNECTION' }, { dataSent: true }, 'ambiguous', 'ERR_SMTP_AMBIGUOUS'],
  ['lost before data', { message: 'Connection closed unexpectedly', code: 'ECONNECTION' }, {}, 'temporary', 'ERR_SMTP_CONNECT'],
  ['4xx on RCPT', { message: 'x', code: 'EENVELOPE', response: '451 4.3.0 try later', responseCode: 451, command: 'RCPT TO' }, {}, 'temporary', 'ERR_SMTP_DEFERRED'],
  ['4xx after DATA', { message: 'x', code: 'EMESSAGE', response: '452 4.3.1 full', responseCode: 452, command: 'DATA' }, { dataSent: true }, 'temporary', 'ERR_SMTP_DEFERRED'],
  ['5xx after DATA', { message: 'x', code: 'EMESSAGE', response: '554 5.6.0 rejected', responseCode: 554, command: 'DATA' }, { dataSent: true }, 'permanent', 'ERR_SMTP_REJECTED'],
  ['550 unknown user', { message: 'x', code: 'EENVELOPE', response: '550 5.1.1 no such user', responseCode: 550, command: 'RCPT TO' }, {}, 'permanent', 'ERR_SMTP_REJECTED'],
  ['503 bad sequence', { message: 'x', code: 'EPROTOCOL', response: '503 5.5.1 bad sequence', responseCode: 503 }, {}, 'temporary', 'ERR_SMTP_DEFERRED'],
  ['535 auth', { message: 'Invalid login', code: 'EAUTH', response: '535 5.7.8 bad credentials', responseCode: 535, command: 'AUTH PLAIN' }, { phase: 'auth' }, 'credentials', 'ERR_SMTP_AUTH'],
  ['basic auth disabled', { message: 'x', code: 'EAUTH', response: '535 5.7.139 Authentication unsuccessful, basic authentication is disabled', responseCode: 535 }, { phase: 'auth' }, 'credentials', 'ERR_SMTP_AUTH'],
  ['454 temp auth', { message: 'x', code: 'EAUTH', response: '454 4.7.0 try later', responseCode: 454, command: 'AUTH PLAIN' }, { phase: 'auth' }, 'temporary', 'ERR_SMTP_DEFERRED'],
  ['relay denied 5.7.1', { message: 'x', code: 'EENVELOPE', response: '554 5.7.1 Relay access denied', responseCode: 554, command: 'RCPT TO' }, {}, 'credentials', 'ERR_SMTP_POLICY'],
  ['self-signed', { message: 'self-signed certificate', code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, { phase: 'connect' }, 'credentials', 'ERR_SMTP_TLS'],
  ['name mismatch', { message: "Hostname/IP does not match certificate's altnames", code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }, { phase: 'connect' }, 'credentials', 'ERR_SMTP_TLS'],
  ['no STARTTLS offered', { message: 'Server does not support STARTTLS', code: 'ETLS' }, { phase: 'connect' }, 'credentials', 'ERR_SMTP_TLS'],
  ['shutdown before data', { message: 'cut off' }, { shuttingDown: true }, 'temporary', 'ERR_SMTP_TIMEOUT'],
];

for (const [name, failure, ctx, kind, code] of table) {
  test(`classify: ${name} → ${kind}`, () => {
    const result = classifySmtpFailure(failure, { ...base, ...ctx });
    assert.equal(result.kind, kind);
    assert.equal(result.errorCode, code);
  });
}
