"""Command line: ``python -m arm_emulator --data-dir DIR [--host H] [--port P] [--latency instant|realistic]
[--throttling off|documented]``."""

from __future__ import annotations

import argparse
import signal
import sys

from .config import Settings


def parse_args(argv=None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m arm_emulator", description="Local Azure Resource Manager emulator")
    parser.add_argument("--data-dir", required=True, help="state, CA and emulator.env live here")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: pick a free one)")
    parser.add_argument(
        "--latency",
        choices=("instant", "realistic"),
        default="instant",
        help="instant: operations finish at once; realistic: they take as long as in Azure",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiplies realistic durations and poll intervals (0.1 = ten times faster)",
    )
    parser.add_argument("--page-size", type=int, default=10, help="items per page of list answers (default 10)")
    parser.add_argument("--token-lifetime", type=int, default=3599, help="access token lifetime in seconds")
    parser.add_argument(
        "--throttling",
        choices=("off", "documented"),
        default="off",
        help="off: no request limit; documented: ARM's token buckets per subscription, principal and kind of request",
    )
    parser.add_argument(
        "--throttling-scale",
        type=float,
        default=1.0,
        help="multiplies every bucket size and refill rate of --throttling documented (0.1 = a tenth of Azure's)",
    )
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error("--time-scale must be positive")
    if args.throttling_scale <= 0:
        parser.error("--throttling-scale must be positive")
    if args.page_size < 1:
        parser.error("--page-size must be at least 1")
    return Settings(
        data_dir=args.data_dir,
        host=args.host,
        port=args.port,
        latency=args.latency,
        time_scale=args.time_scale,
        page_size=args.page_size,
        token_lifetime=args.token_lifetime,
        throttling=args.throttling,
        throttling_scale=args.throttling_scale,
    )


def main(argv=None) -> int:
    settings = parse_args(argv)
    from .server import Emulator

    emulator = Emulator(settings)

    def stop(signum, frame):
        emulator.shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    emulator.serve_forever()
    print("ARM emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
