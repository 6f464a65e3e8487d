"""Checks `dsock status --json` snapshots for the admin-view tests.

  check_status.py holdings STATE.json HOST.out IGMP MCFILTER AUDIT.log
      exactly the two apps' sockets and memberships, as the apps printed
      them (their "... view {...}" lines in HOST.out) and as the kernel
      holds them; their policy rules, the policy's digest as the audit log
      has it, and the sender's refused join.
  check_status.py counters FIRST.json SECOND.json
      the counters moved between two snapshots, bytes as 11-byte ticks.
  check_status.py watch LINES N
      N snapshots, one JSON object a line, in time order.
Exit 1 with what differs.
"""
import json
import socket
import struct
import sys

RECEIVER = "isolated-app://statusreceiver"
SENDER = "isolated-app://statussender"
TICK_BYTES = 11


def fail(why):
    print(f"FAIL: {why}")
    sys.exit(1)


def apps_of(state):
    return {app["origin"]: app for app in state["apps"]}


def views(host_out):
    found = {}
    for line in open(host_out):
        for name in ("receiver", "sender"):
            if line.startswith(f"{name} view "):
                found[name] = json.loads(line[len(name) + 6:])
    return found


def membership_set(joined):
    """An app's joinedGroups as (group, source) pairs."""
    pairs = set()
    for entry in joined:
        if isinstance(entry, str):
            pairs.add((entry, ""))
        else:
            pairs.add((entry["groupAddress"], entry["sourceAddress"]))
    return pairs


def host_port(address, port):
    return f"{address}:{port}"


def kernel_groups(igmp, mcfilter):
    """IPv4 groups of the interface a0 in /proc/net/igmp (raw host-order
    hex), and (group, source) pairs of /proc/net/mcfilter (ntohl'ed hex)."""
    groups, interface = set(), None
    for line in open(igmp).read().splitlines()[1:]:
        fields = line.split()
        if not line.startswith("\t"):
            interface = fields[1].rstrip(":")
            continue
        if interface == "a0":
            raw = struct.pack("<I", int(fields[0], 16))
            groups.add(socket.inet_ntoa(raw))
    sources = set()
    for line in open(mcfilter).read().splitlines()[1:]:
        fields = line.split()
        # The test's own membership, held while it read the file.
        if fields[1] == "a0" and fields[2] != "0xe8090909":
            group = socket.inet_ntoa(struct.pack(">I", int(fields[2], 16)))
            source = socket.inet_ntoa(struct.pack(">I", int(fields[3], 16)))
            sources.add((group, source))
    return groups, sources


def holdings(state_path, host_out, igmp, mcfilter, audit_log):
    state = json.load(open(state_path))
    apps = apps_of(state)
    if set(apps) != {RECEIVER, SENDER}:
        fail(f"apps are {sorted(apps)}, not exactly the two")
    seen = views(host_out)
    receiver, sender = apps[RECEIVER], apps[SENDER]
    for app, rule in ((receiver, 0), (sender, 1)):
        if app["multicast_rule"] != f"DirectSocketsMulticastRules[{rule}]":
            fail(f"{app['origin']}'s rule is {app['multicast_rule']!r}")
        if app["multicast_rule_file"] != "20-multicast.json":
            fail(f"{app['origin']}'s rule file is {app['multicast_rule_file']!r}")
        if app["channels"] != 1 or "direct-sockets-multicast" not in app["permissions"]:
            fail(f"{app['origin']}: channels and permissions {app}")
        for socket_ in app["sockets"]:
            if socket_["state"] != "open":
                fail(f"socket {socket_['id']} is {socket_['state']}")

    # The receiver: one socket, its memberships as it sees them.
    if len(receiver["sockets"]) != 1:
        fail(f"the receiver has {len(receiver['sockets'])} sockets, not 1")
    held = receiver["sockets"][0]
    view = seen["receiver"]["sockets"][0]
    if host_port(held["local_address"], held["local_port"]) != view["local"]:
        fail(f"receiver local {held['local_address']}:{held['local_port']} != {view['local']}")
    members = {(m["group"], m["source"]) for m in held["memberships"]}
    if members != membership_set(view["joined"]):
        fail(f"receiver memberships {members} != its own {view['joined']}")

    # The sender: a connected socket and a bound one, as it sees them.
    if len(sender["sockets"]) != 2:
        fail(f"the sender has {len(sender['sockets'])} sockets, not 2")
    by_local = {host_port(s["local_address"], s["local_port"]): s for s in sender["sockets"]}
    for view in seen["sender"]["sockets"]:
        socket_ = by_local.get(view["local"])
        if socket_ is None:
            fail(f"the sender's socket {view['local']} is not listed: {sorted(by_local)}")
        remote = host_port(socket_["remote_address"], socket_["remote_port"]) \
            if socket_["remote_address"] else None
        if remote != view.get("remote"):
            fail(f"the sender's socket {view['local']}: peer {remote} != {view.get('remote')}")
        if view.get("remote") and socket_["options"]["multicast_ttl"] != 2:
            fail(f"the sending socket's TTL is {socket_['options']['multicast_ttl']}, not 2")
        pairs = {(m["group"], m["source"]) for m in socket_["memberships"]}
        if pairs != membership_set(view["joined"]):
            fail(f"the sender's socket {view['local']}: {pairs} != {view['joined']}")

    # The kernel holds exactly those memberships on a0 (and the all-hosts
    # group every interface joins).
    listed = set()
    for app in (receiver, sender):
        for socket_ in app["sockets"]:
            listed |= {(m["group"], m["source"]) for m in socket_["memberships"]}
    groups, sources = kernel_groups(igmp, mcfilter)
    if groups - {"224.0.0.1"} != {group for group, _ in listed}:
        fail(f"/proc/net/igmp has {sorted(groups)} on a0, the status {sorted(listed)}")
    if sources != {(g, s) for g, s in listed if s}:
        fail(f"/proc/net/mcfilter has {sorted(sources)} on a0, the status {sorted(listed)}")

    # The policy in force, as the audit log recorded it when applied.
    policy = state["policy"]
    applied = [json.loads(line) for line in open(audit_log)]
    applied = [line for line in applied if line["event"] == "policy-applied"]
    if not (policy["enforced"] and policy["managed"]):
        fail(f"policy {policy}")
    if [f.split("/")[-1] for f in policy["files"]] != ["10-direct-sockets.json", "20-multicast.json"]:
        fail(f"policy files {policy['files']}")
    if not applied or policy["digest"] != applied[-1]["digest"]:
        fail(f"digest {policy['digest']} is not the audit log's {applied}")

    # The sender's refused join, with the policy key that refused it.
    refusals = [r for r in state["recent_refusals"]
                if r["origin"] == SENDER and "239.9.9.9" in r["target"]]
    if len(refusals) != 1 or refusals[0]["action"] != "join" or \
            "DirectSocketsMulticastRules[1]" not in refusals[0]["policy"]:
        fail(f"the refusal of 239.9.9.9: {state['recent_refusals']}")
    counts = {(c["origin"], c["policy"]): int(c["count"]) for c in state["refusal_counts"]}
    if counts != {(SENDER, refusals[0]["policy"]): 1}:
        fail(f"refusal counts {counts}")
    print(f"ok: {sum(len(a['sockets']) for a in state['apps'])} sockets and "
          f"{len(listed)} memberships as the apps and the kernel have them")


def sockets_by_id(state):
    return {s["id"]: s for app in state["apps"] for s in app["sockets"]}


def counters(first_path, second_path):
    first, second = (json.load(open(p)) for p in (first_path, second_path))
    before, after = sockets_by_id(first), sockets_by_id(second)
    receiving = apps_of(second)[RECEIVER]["sockets"][0]
    sending = [s for s in apps_of(second)[SENDER]["sockets"] if s["remote_address"]][0]
    moved = {}
    for name, socket_, key in (("receiver", receiving, "in"), ("sender", sending, "out")):
        now = socket_["counters"]
        then = before[socket_["id"]]["counters"]
        datagrams, size = int(now[f"datagrams_{key}"]), int(now[f"bytes_{key}"])
        if datagrams <= int(then[f"datagrams_{key}"]):
            fail(f"the {name}'s datagrams {key} did not move: {then} -> {now}")
        if size != TICK_BYTES * datagrams:
            fail(f"the {name}'s bytes {key} {size} != {TICK_BYTES} x {datagrams}")
        if int(now["kernel_drops"]) != 0:
            fail(f"the kernel dropped {now['kernel_drops']} of the {name}'s packets")
        moved[name] = (int(then[f"datagrams_{key}"]), datagrams)
    if int(receiving["counters"]["datagrams_in"]) < 20:
        fail(f"the receiver counted 20, the status {receiving['counters']}")
    print(f"ok: counters moved: {moved}")


def watch(path, count):
    lines = open(path).read().splitlines()
    if len(lines) != int(count):
        fail(f"{len(lines)} snapshots, not {count}")
    times = [json.loads(line)["now"] for line in lines]
    if times != sorted(times) or len(set(times)) != len(times):
        fail(f"snapshot times {times}")
    print(f"ok: {count} snapshots")


if __name__ == "__main__":
    {"holdings": holdings, "counters": counters, "watch": watch}[sys.argv[1]](*sys.argv[2:])
