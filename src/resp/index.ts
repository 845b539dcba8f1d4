export { RESP_TYPE, type RespKind, type RespMapEntries, type RespValue } from './value.js';
export { BulkReply, IntegerReply, PiecedBulkReply, RespDecoder, type RespDecoderOptions } from './decoder.js';
export { encodeCommand, encodeCommandToBuffer } from './encoder.js';
