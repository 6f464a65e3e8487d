"""Checks `dsock admin serve` over HTTP, as a browser or Prometheus would.

  check_page_http.py BASE TOKEN
BASE is http://127.0.0.1:PORT. Without the token every path is refused
(401); a wrong Host header is refused (403, DNS rebinding); only GET and
HEAD are served (405); every answer carries the strict CSP; ?token= on /
sets an HttpOnly SameSite=Strict cookie and drops the token from the
address; /metrics parses as the Prometheus text format (the Prometheus
project's own parser) and its values match /state.json's, read before and
after it. Exit 1 with what differs.
"""
import http.client
import json
import sys
import urllib.parse

from prometheus_client.parser import text_string_to_metric_families

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "connect-src 'self'; img-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


def fail(why):
    print(f"FAIL: {why}")
    sys.exit(1)


def request(base, path, method="GET", headers=None):
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, dict(response.getheaders()), body


def main(base, token):
    bearer = {"Authorization": f"Bearer {token}"}
    for path in ("/", "/app.js", "/state.json", "/metrics"):
        status, headers, body = request(base, path)
        if status != 401 or "needs the token" not in body:
            fail(f"{path} without the token: {status} {body!r}")
        if headers.get("Content-Security-Policy") != CSP:
            fail(f"{path}: CSP {headers.get('Content-Security-Policy')!r}")
    status, _, _ = request(base, "/state.json", headers={"Authorization": "Bearer " + "0" * 32})
    if status != 401:
        fail(f"a wrong token: {status}")
    status, _, _ = request(base, "/state.json", headers={**bearer, "Host": "attacker.example:80"})
    if status != 403:
        fail(f"a foreign Host header: {status}")
    status, headers, _ = request(base, "/state.json", "POST", bearer)
    if status != 405 or headers.get("Allow") != "GET, HEAD":
        fail(f"POST: {status} {headers}")

    status, headers, _ = request(base, f"/?token={token}")
    cookie = headers.get("Set-Cookie", "")
    if status != 303 or headers.get("Location") != "/" or \
            not cookie.endswith(f"={token}; Path=/; HttpOnly; SameSite=Strict"):
        fail(f"/?token=: {status} {headers}")
    status, headers, body = request(base, "/", headers={"Cookie": cookie.split(";")[0]})
    if status != 200 or "<script src=\"/app.js\"" not in body or \
            headers.get("Content-Security-Policy") != CSP:
        fail(f"/ with the cookie: {status} {headers}")

    # /metrics between two states: gauges equal, counters in between.
    _, _, before = request(base, "/state.json", headers=bearer)
    status, headers, metrics = request(base, "/metrics", headers=bearer)
    _, _, after = request(base, "/state.json", headers=bearer)
    if status != 200 or not headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"):
        fail(f"/metrics: {status} {headers}")
    before, after = json.loads(before), json.loads(after)
    samples = {}
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    if samples.get(("dsock_up", ())) != 1:
        fail("dsock_up is not 1")
    apps_before = {a["origin"]: a for a in before["apps"]}
    apps_after = {a["origin"]: a for a in after["apps"]}
    checked = 0
    for origin, app in apps_after.items():
        label = (("origin", origin),)
        gauges = {
            "dsock_app_channels": app["channels"],
            "dsock_app_sockets": len(app["sockets"]),
            "dsock_app_memberships": sum(len(s["memberships"]) for s in app["sockets"]),
        }
        for name, value in gauges.items():
            if samples.get((name, label)) != value:
                fail(f"{name}{{{origin}}} = {samples.get((name, label))}, the state says {value}")
            checked += 1
        for name, key in (("dsock_app_received_datagrams_total", "datagrams_in"),
                          ("dsock_app_sent_datagrams_total", "datagrams_out"),
                          ("dsock_app_received_bytes_total", "bytes_in"),
                          ("dsock_app_sent_bytes_total", "bytes_out"),
                          ("dsock_app_kernel_drops_total", "kernel_drops")):
            low = int(apps_before[origin]["totals"][key])
            high = int(app["totals"][key])
            value = samples.get((name, label))
            if value is None or not low <= value <= high:
                fail(f"{name}{{{origin}}} = {value}, the state says {low}..{high}")
            checked += 1
    for count in after["refusal_counts"]:
        label = tuple(sorted({"origin": count["origin"], "policy": count["policy"]}.items()))
        value = samples.get(("dsock_refusals_total", label))
        if value is None or value > int(count["count"]):
            fail(f"dsock_refusals_total{label} = {value}, the state says {count['count']}")
        checked += 1
    if int(apps_after["isolated-app://statussender"]["totals"]["datagrams_out"]) == 0:
        fail("the sender's datagrams out did not count")
    print(f"ok: token, Host, methods and CSP enforced; /metrics parses and {checked} values match")


if __name__ == "__main__":
    main(*sys.argv[1:])
