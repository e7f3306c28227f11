/**
 * Reading the schema's text fields: wchar[N] (UTF-16LE) and char[N] (Latin-1), NUL-terminated,
 * or all N units when no NUL is found. Every code unit comes back as it is stored, a lone
 * surrogate or a byte-order mark included, because that is what the C side holds.
 *
 * Text decoding is most of the cost of a large event, so on Node the bytes go through Buffer's
 * native decoders, which keep every unit as it is (TextDecoder would not: it replaces lone
 * surrogates and drops a leading BOM). Elsewhere the portable readers below do the same work.
 */

/** Node's Buffer, where there is one. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/**
 * A Buffer over each ArrayBuffer text was read from. A batch's records share one ArrayBuffer, and
 * looking its Buffer up costs a third of making one per field; the entry goes when the ArrayBuffer does.
 */
const buffers = new WeakMap<ArrayBufferLike, Buffer>();

function nodeBytes(view: DataView, Node: typeof Buffer): Buffer {
  let bytes = buffers.get(view.buffer);
  if (bytes === undefined) {
    bytes = Node.from(view.buffer);
    buffers.set(view.buffer, bytes);
  }
  return bytes;
}

/**
 * Up to this many bytes a field is decoded whole and cut at its first NUL: one native pass beats
 * finding the NUL in JavaScript first. The cut string shares the decoded field's memory, so longer
 * fields, which are mostly empty, find the NUL first, keeping work and memory in step with the text.
 */
const WHOLE_FIELD_BYTES = 1024;

export function readUtf16(view: DataView, offset: number, length: number): string {
  const bytes = length * 2;
  // A field that does not lie wholly inside the view keeps the portable reader's behaviour.
  if (NodeBuffer === undefined || offset < 0 || offset + bytes > view.byteLength) return readUtf16Portable(view, offset, length);
  const start = view.byteOffset + offset;
  if (bytes <= WHOLE_FIELD_BYTES) return untilNul(nodeBytes(view, NodeBuffer).toString('utf16le', start, start + bytes));
  let end = 0;
  while (end < length && view.getUint16(offset + end * 2, true) !== 0) end++;
  return nodeBytes(view, NodeBuffer).toString('utf16le', start, start + end * 2);
}

export function readLatin1(view: DataView, offset: number, length: number): string {
  if (NodeBuffer === undefined || offset < 0 || offset + length > view.byteLength) return readLatin1Portable(view, offset, length);
  const start = view.byteOffset + offset;
  if (length <= WHOLE_FIELD_BYTES) return untilNul(nodeBytes(view, NodeBuffer).toString('latin1', start, start + length));
  let end = 0;
  while (end < length && view.getUint8(offset + end) !== 0) end++;
  return nodeBytes(view, NodeBuffer).toString('latin1', start, start + end);
}

function untilNul(field: string): string {
  const end = field.indexOf('\0');
  return end === -1 ? field : field.slice(0, end);
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** readUtf16 without Node; exported for the tests, which hold both readers to the same results. */
export function readUtf16Portable(view: DataView, offset: number, length: number): string {
  let end = 0;
  while (end < length && view.getUint16(offset + end * 2, true) !== 0) end++;
  const start = view.byteOffset + offset;
  // The code units can be viewed in place when the host is little-endian and the start aligned.
  if (LITTLE_ENDIAN_HOST && start % 2 === 0) {
    return String.fromCharCode.apply(null, new Uint16Array(view.buffer, start, end) as unknown as number[]);
  }
  const units = new Array<number>(end);
  for (let index = 0; index < end; index++) units[index] = view.getUint16(offset + index * 2, true);
  return String.fromCharCode.apply(null, units);
}

/** readLatin1 without Node; exported for the tests. */
export function readLatin1Portable(view: DataView, offset: number, length: number): string {
  let end = 0;
  while (end < length && view.getUint8(offset + end) !== 0) end++;
  return String.fromCharCode.apply(null, new Uint8Array(view.buffer, view.byteOffset + offset, end) as unknown as number[]);
}
