// The datagrams of full_rate_test.sh, as flood_peer.cc makes and checks
// them: a number (4 bytes, little-endian), then bytes that follow from the
// number and their offset, so a byte changed, moved or cut anywhere shows.
export function patternByte(number, offset) {
  return (Math.imul(number, 31) + offset * 7 + 1) & 0xff;
}

export function makeDatagram(number, size) {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, number, true);
  for (let offset = 4; offset < size; offset++) bytes[offset] = patternByte(number, offset);
  return bytes;
}

// The datagram's number, or -1 when it is not one of ours, whole.
export function checkDatagram(bytes, size) {
  if (bytes.length !== size) return -1;
  const number = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  for (let offset = 4; offset < size; offset++) {
    if (bytes[offset] !== patternByte(number, offset)) return -1;
  }
  return number;
}
