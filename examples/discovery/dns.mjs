// DNS messages (RFC 1035) as Multicast DNS (RFC 6762) and DNS-SD
// (RFC 6763) use them: questions, and PTR, SRV, TXT, A and AAAA records;
// names compressed when read, written whole.

export const kType = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, ANY: 255 };
const kTypeNames = Object.fromEntries(Object.entries(kType).map(([k, v]) => [v, k]));
const kClassIn = 1;
const kCacheFlush = 0x8000;   // In a record's class: "this is the whole set".
const kUnicastAnswer = 0x8000;  // In a question's class: "answer me directly".
const kResponseFlags = 0x8400;  // QR and AA.

// Names compare without case (RFC 6762, section 16).
export const sameName = (a, b) => a.toLowerCase() === b.toLowerCase();

class Writer {
  constructor() {
    this.bytes = [];
  }
  u8(value) { this.bytes.push(value & 0xff); }
  u16(value) { this.u8(value >> 8); this.u8(value); }
  u32(value) { this.u16(value >>> 16); this.u16(value & 0xffff); }
  raw(bytes) { for (const b of bytes) this.u8(b); }
  // A name, its labels in UTF-8 (RFC 6763, section 4.3: instance names may
  // hold any character).
  name(text) {
    for (const label of splitName(text)) {
      const bytes = new TextEncoder().encode(label);
      if (bytes.length > 63) throw new RangeError(`a DNS label is at most 63 bytes: ${label}`);
      this.u8(bytes.length);
      this.raw(bytes);
    }
    this.u8(0);
  }
  done() { return Uint8Array.from(this.bytes); }
}

// Labels of a name; a dot inside the instance label is written "\.".
function splitName(text) {
  const labels = [];
  let label = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) label += text[++i];
    else if (text[i] === '.') { labels.push(label); label = ''; } else label += text[i];
  }
  if (label) labels.push(label);
  return labels;
}

function rdataOf(record) {
  const w = new Writer();
  switch (record.type) {
    case kType.PTR: w.name(record.target); break;
    case kType.SRV:
      w.u16(record.priority ?? 0); w.u16(record.weight ?? 0); w.u16(record.port);
      w.name(record.target);
      break;
    case kType.TXT: {
      const entries = record.entries.length > 0 ? record.entries : [''];
      for (const entry of entries) {
        const bytes = new TextEncoder().encode(entry);
        w.u8(bytes.length);
        w.raw(bytes);
      }
      break;
    }
    case kType.A: w.raw(record.address.split('.').map(Number)); break;
    case kType.AAAA: w.raw(ipv6Bytes(record.address)); break;
    default: throw new TypeError(`cannot write a record of type ${record.type}`);
  }
  return w.done();
}

// The 16 bytes of an IPv6 address in text ("fe80::1", a zone after "%"
// dropped).
function ipv6Bytes(text) {
  const [head, tail] = text.split('%')[0].split('::');
  const groups = (part) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff))) {
    throw new TypeError(`not an IPv6 address: ${text}`);
  }
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

// A query: questions [{name, type}], asking for multicast answers.
export function buildQuery(questions, knownAnswers = []) {
  const w = new Writer();
  w.u16(0); w.u16(0); w.u16(questions.length); w.u16(knownAnswers.length); w.u16(0); w.u16(0);
  for (const q of questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(kClassIn | (q.unicast ? kUnicastAnswer : 0));
  }
  writeRecords(w, knownAnswers);
  return w.done();
}

// A response: records {name, type, ttl, unique, ...its data}; `unique`
// sets the cache-flush bit (SRV, TXT, A of names this responder owns).
export function buildResponse(answers, additionals = []) {
  const w = new Writer();
  w.u16(0); w.u16(kResponseFlags); w.u16(0); w.u16(answers.length); w.u16(0);
  w.u16(additionals.length);
  writeRecords(w, answers);
  writeRecords(w, additionals);
  return w.done();
}

function writeRecords(w, records) {
  for (const record of records) {
    w.name(record.name);
    w.u16(record.type);
    w.u16(kClassIn | (record.unique ? kCacheFlush : 0));
    w.u32(record.ttl);
    const rdata = rdataOf(record);
    w.u16(rdata.length);
    w.raw(rdata);
  }
}

// Parses a message; throws RangeError on a malformed one.
export function parseMessage(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (offset, length) => {
    if (offset + length > bytes.length) throw new RangeError('a truncated DNS message');
  };
  const readName = (start) => {
    const labels = [];
    let offset = start;
    let end = -1;
    for (let jumps = 0; ; ) {
      need(offset, 1);
      const length = bytes[offset];
      if (length === 0) { offset++; break; }
      if ((length & 0xc0) === 0xc0) {
        need(offset, 2);
        if (end < 0) end = offset + 2;
        offset = view.getUint16(offset) & 0x3fff;
        if (++jumps > 32) throw new RangeError('a DNS name that loops');
        continue;
      }
      need(offset + 1, length);
      const label = new TextDecoder().decode(bytes.subarray(offset + 1, offset + 1 + length));
      labels.push(label.replaceAll('.', '\\.'));
      offset += 1 + length;
    }
    return { name: labels.join('.'), next: end < 0 ? offset : end };
  };
  need(0, 12);
  const message = {
    flags: view.getUint16(2), questions: [], answers: [], authorities: [], additionals: [],
  };
  message.isResponse = (message.flags & 0x8000) !== 0;
  const counts = [4, 6, 8, 10].map((o) => view.getUint16(o));
  let offset = 12;
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = readName(offset);
    need(next, 4);
    message.questions.push({
      name, type: view.getUint16(next), unicast: (view.getUint16(next + 2) & kUnicastAnswer) !== 0,
    });
    offset = next + 4;
  }
  for (const [section, count] of [['answers', counts[1]], ['authorities', counts[2]],
                                  ['additionals', counts[3]]]) {
    for (let i = 0; i < count; i++) {
      const { name, next } = readName(offset);
      need(next, 10);
      const type = view.getUint16(next);
      const record = {
        name, type, typeName: kTypeNames[type] ?? `TYPE${type}`,
        unique: (view.getUint16(next + 2) & kCacheFlush) !== 0, ttl: view.getUint32(next + 4),
      };
      const length = view.getUint16(next + 8);
      const rdata = next + 10;
      need(rdata, length);
      if (type === kType.PTR) {
        record.target = readName(rdata).name;
      } else if (type === kType.SRV && length >= 7) {
        record.priority = view.getUint16(rdata);
        record.weight = view.getUint16(rdata + 2);
        record.port = view.getUint16(rdata + 4);
        record.target = readName(rdata + 6).name;
      } else if (type === kType.TXT) {
        record.entries = [];
        for (let p = rdata; p < rdata + length; p += 1 + bytes[p]) {
          const entry = new TextDecoder().decode(bytes.subarray(p + 1, p + 1 + bytes[p]));
          if (entry) record.entries.push(entry);
        }
      } else if (type === kType.A && length === 4) {
        record.address = Array.from(bytes.subarray(rdata, rdata + 4)).join('.');
      } else if (type === kType.AAAA && length === 16) {
        const groups = [];
        for (let g = 0; g < 16; g += 2) groups.push(view.getUint16(rdata + g).toString(16));
        record.address = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
      }
      message[section].push(record);
      offset = rdata + length;
    }
  }
  return message;
}
