// MPEG transport stream (ISO/IEC 13818-1), as much of it as the video wall
// needs: 188-byte packets, their PID, continuity counter and program clock
// reference (PCR), the presentation timestamp (PTS) of a PES packet, and
// the wall's clock packet, which tells every display when to show what.

export const kPacketBytes = 188;
export const kPacketsPerDatagram = 7;  // 1316 bytes: fits any Ethernet MTU.
export const kNullPid = 0x1fff;
// The wall's clock packet: a PID no program table names, so players
// (ffmpeg, VLC) skip it.
export const kClockPid = 0x1ff0;
const kClockMagic = 'DSOCKWALL1';

export function pid(bytes, offset) {
  return ((bytes[offset + 1] & 0x1f) << 8) | bytes[offset + 2];
}

export function hasPayload(bytes, offset) {
  return (bytes[offset + 3] & 0x10) !== 0;
}

export function continuityCounter(bytes, offset) {
  return bytes[offset + 3] & 0x0f;
}

export function payloadUnitStart(bytes, offset) {
  return (bytes[offset + 1] & 0x40) !== 0;
}

// The packet's PCR in 27 MHz ticks, or -1.
export function pcr(bytes, offset) {
  const hasAdaptation = (bytes[offset + 3] & 0x20) !== 0;
  if (!hasAdaptation || bytes[offset + 4] < 7 || (bytes[offset + 5] & 0x10) === 0) return -1;
  const b = offset + 6;
  const base = bytes[b] * 2 ** 25 + bytes[b + 1] * 2 ** 17 + bytes[b + 2] * 2 ** 9 +
    bytes[b + 3] * 2 + (bytes[b + 4] >> 7);
  const extension = ((bytes[b + 4] & 1) << 8) | bytes[b + 5];
  return base * 300 + extension;
}

// Where the packet's payload starts.
function payloadOffset(bytes, offset) {
  const hasAdaptation = (bytes[offset + 3] & 0x20) !== 0;
  return offset + 4 + (hasAdaptation ? 1 + bytes[offset + 4] : 0);
}

// The PTS (90 kHz) of the PES packet that starts in this packet, or -1.
export function pesPts(bytes, offset) {
  if (!payloadUnitStart(bytes, offset) || !hasPayload(bytes, offset)) return -1;
  const p = payloadOffset(bytes, offset);
  if (p + 14 > offset + kPacketBytes) return -1;
  if (bytes[p] !== 0 || bytes[p + 1] !== 0 || bytes[p + 2] !== 1) return -1;
  if ((bytes[p + 7] & 0x80) === 0) return -1;  // No PTS.
  const t = p + 9;
  return ((bytes[t] >> 1) & 0x07) * 2 ** 30 + bytes[t + 1] * 2 ** 22 +
    (bytes[t + 2] >> 1) * 2 ** 15 + bytes[t + 3] * 2 ** 7 + (bytes[t + 4] >> 1);
}

// Whether the PES packet that starts in this packet (pesPts() found it) is
// a video stream's (stream ids 0xE0-0xEF).
export function isVideoPes(bytes, offset) {
  return (bytes[payloadOffset(bytes, offset) + 3] & 0xf0) === 0xe0;
}

// Counts what a receiver lost or got out of order, by each PID's
// continuity counter: it steps by one for each packet with a payload, and
// a packet may be sent twice (the same counter) on purpose.
export class ContinuityCheck {
  constructor() {
    this.last = new Map();  // PID -> its last counter
    this.packets = 0;
    this.lost = 0;
    this.outOfOrder = 0;
  }

  add(bytes, offset) {
    this.packets++;
    const id = pid(bytes, offset);
    if (id === kNullPid || !hasPayload(bytes, offset)) return;
    const counter = continuityCounter(bytes, offset);
    const last = this.last.get(id);
    this.last.set(id, counter);
    if (last === undefined || counter === last) return;
    const step = (counter - last) & 0x0f;
    if (step === 1) return;
    // A step backwards by a few is a late packet; forwards, packets lost.
    if (step > 12) this.outOfOrder++;
    else this.lost += step - 1;
  }
}

// The clock packet: a 188-byte packet of kClockPid whose payload says
// that the stream's clock (PCR) read `pcr` at wall time `wallMs`
// (milliseconds since the epoch), and that each frame is shown
// `latencyMs` after its PTS on that clock.
export function clockPacket(clock, counter) {
  const packet = new Uint8Array(kPacketBytes).fill(0xff);
  packet[0] = 0x47;
  packet[1] = 0x40 | (kClockPid >> 8);
  packet[2] = kClockPid & 0xff;
  packet[3] = 0x10 | (counter & 0x0f);
  const text = `${kClockMagic}${JSON.stringify(clock)}`;
  packet.set(new TextEncoder().encode(text), 4);
  return packet;
}

// The clock a clock packet carries ({wallMs, pcr, latencyMs}), or null.
export function readClock(bytes, offset) {
  if (pid(bytes, offset) !== kClockPid) return null;
  const payload = bytes.subarray(offset + 4, offset + kPacketBytes);
  const end = payload.indexOf(0xff);
  const text = new TextDecoder().decode(payload.subarray(0, end < 0 ? payload.length : end));
  if (!text.startsWith(kClockMagic)) return null;
  try {
    const clock = JSON.parse(text.slice(kClockMagic.length));
    return Number.isFinite(clock.wallMs) && Number.isFinite(clock.pcr) &&
      Number.isFinite(clock.latencyMs) ? clock : null;
  } catch {
    return null;
  }
}

// Milliseconds since the epoch, with performance.now()'s precision.
export function wallNow() {
  return performance.timeOrigin + performance.now();
}
