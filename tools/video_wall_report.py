#!/usr/bin/python3
"""What the video wall's displays saw (tools/video-wall prints it).

Reads each display's output (examples/video-wall/display.mjs: a line per
frame shown, "frame PTS shown WALL_MS due WALL_MS", and a summary line) and
prints a table a person reads at a glance: per display the packets, those
lost and out of order, the frames shown and how many came late; then the
skew between displays (for each frame all of them showed, the spread of
their show times) and how far each show was from its due time.

Usage: video_wall_report.py [--title T] [--frames N] [--max-skew-ms MS]
                            DISPLAY.out ...
Exit: 1 when a display lost a packet, got one out of order, or showed a
number of frames other than --frames, or when the p99 skew is above
--max-skew-ms; else 0.
"""

import argparse
import re
import sys

SUMMARY = re.compile(
    r"^display: datagrams (\d+) packets (\d+) lost (\d+) out-of-order (\d+) "
    r"frames (\d+) late (\d+) clock (\w+) rate ([\d.]+) Mbit/s$")
FRAME = re.compile(r"^frame (\d+) shown ([\d.]+) due ([\d.]+)$")


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def read_display(path):
    summary, shows = None, {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            frame = FRAME.match(line)
            if frame:
                shows[int(frame.group(1))] = (float(frame.group(2)),
                                              float(frame.group(3)))
                continue
            match = SUMMARY.match(line)
            if match:
                summary = match.groups()
    return summary, shows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--title", default="video wall")
    parser.add_argument("--frames", type=int)
    parser.add_argument("--max-skew-ms", type=float)
    parser.add_argument("outputs", nargs="+")
    args = parser.parse_args()
    ok = True
    displays = []
    print(f"video-wall: {args.title}: {len(args.outputs)} displays")
    print(f"  {'display':8} {'packets':>8} {'lost':>5} {'reordered':>9} "
          f"{'frames':>6} {'late':>5} {'clock':>7} {'Mbit/s':>7}")
    for number, path in enumerate(args.outputs, 1):
        summary, shows = read_display(path)
        if summary is None:
            print(f"  {number:<8} printed no summary ({path})")
            ok = False
            continue
        _, packets, lost, reordered, frames, late, clock, rate = summary
        print(f"  {number:<8} {packets:>8} {lost:>5} {reordered:>9} {frames:>6} "
              f"{late:>5} {clock:>7} {rate:>7}")
        if int(lost) or int(reordered):
            ok = False
        if args.frames is not None and (int(frames) != args.frames or
                                        len(shows) != args.frames):
            ok = False
        displays.append(shows)
    common = set.intersection(*(set(d) for d in displays)) if displays else set()
    spreads = [max(d[pts][0] for d in displays) - min(d[pts][0] for d in displays)
               for pts in common]
    lateness = [shown - due for d in displays for shown, due in d.values()]
    if spreads:
        p50, p99 = percentile(spreads, 0.5), percentile(spreads, 0.99)
        print(f"  skew between displays over the {len(common)} frames all showed: "
              f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {max(spreads):.2f} ms")
        print(f"  each show after its due time: p50 {percentile(lateness, 0.5):.2f} ms, "
              f"p99 {percentile(lateness, 0.99):.2f} ms")
        if args.max_skew_ms is not None and p99 > args.max_skew_ms:
            print(f"  p99 skew above the bound of {args.max_skew_ms} ms")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
