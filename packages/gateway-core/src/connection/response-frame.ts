import type { GatewayError } from '@openclaw/protocol';

const RES_OK_HEAD = '{"type":"res","id":';

/** The text of a successful answer; the payload is already JSON. */
export function okFrame(id: string, payloadJson: string): string {
  return `${RES_OK_HEAD}${JSON.stringify(id)},"ok":true,"payload":${payloadJson}}`;
}

/** The text of an error answer. */
export function errorFrame(id: string | null, error: GatewayError): string {
  // A frame without a usable id still gets an answer; clients match it by the absent id.
  return `{"type":"res","id":${JSON.stringify(id ?? 'invalid')},"ok":false,"error":${JSON.stringify(error.toShape())}}`;
}
