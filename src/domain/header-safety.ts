import { VigilError } from './errors.js';

// Any C0 control character or DEL. CR and LF are what header injection needs; the others have
// no business in a header either and are refused rather than silently stripped.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
// One line of a message must stay under 998 octets (RFC 5322 §2.1.1); leave room for the name.
const MAX_HEADER_VALUE = 900;

/** Throws ERR_HEADER_INJECTION when `value` could break out of its header. */
export function assertSafeHeaderValue(field: string, value: string): void {
  const found = CONTROL_CHARACTERS.exec(value);
  if (found) {
    const at = found.index;
    const code = found[0].charCodeAt(0).toString(16).padStart(2, '0');
    throw new VigilError(
      'ERR_HEADER_INJECTION',
      `${field}: contains the control character 0x${code} at position ${at} (${JSON.stringify(value.slice(0, 60))})`,
      { hint: 'Remove line breaks and control characters from subjects, names and addresses.' },
    );
  }
  if (value.length > MAX_HEADER_VALUE) {
    throw new VigilError('ERR_HEADER_INJECTION', `${field}: is ${value.length} characters long; at most ${MAX_HEADER_VALUE} fit in a header`);
  }
}

// Header names are printable ASCII without colon or space (RFC 5322 §2.2).
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

export function assertSafeHeaderName(name: string): void {
  if (!HEADER_NAME.test(name)) {
    throw new VigilError('ERR_HEADER_INJECTION', `header name ${JSON.stringify(name)} is not a valid header field name`);
  }
}
