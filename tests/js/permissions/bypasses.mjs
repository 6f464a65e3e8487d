// Run by tests/js/run_app_test.sh under policy/examples as isolated-app://sender
// (send_groups 239.0.0.0/24, 239.1.0.0/16, 232.1.0.0/16, ff3e::/16 on port
// 12345): the ways page JavaScript once reached groups no rule allows
// (docs/security.md). Each must be refused; the allowed group in a short
// spelling is that group.
// expect: args --policy-dir policy/examples --origin isolated-app://sender
// expect: line 4026531834: NotAllowedError
// expect: line 239.11.1: NotAllowedError
// expect: line 0xef0b0102: NotAllowedError
// expect: line 224.0.251: NotAllowedError
// expect: line 0357.0.1.1: NotAllowedError
// expect: line ::ffff:224.0.0.251: NotAllowedError
// expect: line 1.2.3.4.5: NetworkError
// expect: line ::ffff:239.11.0.1 write: NotAllowedError
// expect: line 239.0.1: opened to 239.0.0.1
// chrome-differs: it runs under DirectSocketsMulticastRules, our policy, which Chrome does not have
const refused = async (label, socket) => {
  try {
    const { remoteAddress } = await socket.opened;
    console.log(`${label}: opened to ${remoteAddress}`);
    await socket.close();
  } catch (error) {
    console.log(`${label}: ${error.name}`);
  }
};
for (const spelling of ['4026531834', '239.11.1', '0xef0b0102', '224.0.251',
                        '0357.0.1.1', '::ffff:224.0.0.251', '1.2.3.4.5']) {
  await refused(spelling, new UDPSocket({ remoteAddress: spelling, remotePort: 12345 }));
}
// A bound socket writing to an IPv4-mapped group outside the rule.
const bound = new UDPSocket({ localAddress: '::' });
const { writable } = await bound.opened;
const writer = writable.getWriter();
// The write settles once queued; the refusal errors the writable.
await writer.write({ data: new Uint8Array(1), remoteAddress: '::ffff:239.11.0.1', remotePort: 12345 });
await writer.close().catch((error) => console.log(`::ffff:239.11.0.1 write: ${error.name}`));
writer.releaseLock();
await bound.close().catch(() => {});
// The allowed group, spelled short, is the group the kernel gets.
const allowed = new UDPSocket({ remoteAddress: '239.0.1', remotePort: 12345, multicastLoopback: false });
const info = await allowed.opened;
console.log(`239.0.1: opened to ${info.remoteAddress}`);
await allowed.close();
