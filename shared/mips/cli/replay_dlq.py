"""``mips replay-dlq``: move dead-lettered pipeline messages back to their source queues.

Use it once the cause of the failures is fixed. ``--queue`` names one dead-letter queue (name or URL);
``--all`` replays every dead-letter queue (narrow it with ``--prefix``, e.g. the stack name). The source
queue is found from the queues' redrive policies. Works against AWS (credentials and region from the
environment), LocalStack or a moto server (``--endpoint-url``).
"""

from __future__ import annotations

import argparse
import sys

from botocore.exceptions import BotoCoreError, ClientError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay-dlq", help="move dead-letter queue messages back to their source queue")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--queue", metavar="NAME", help="dead-letter queue name or URL")
    which.add_argument("--all", action="store_true", help="every dead-letter queue (see --prefix)")
    p.add_argument("--prefix", default="", help="with --all: only queues whose name starts with this")
    p.add_argument("--source", help="with --queue: the queue to send to (default: from the redrive policy)")
    p.add_argument("--limit", type=int, help="move at most this many messages per dead-letter queue")
    p.add_argument("--endpoint-url", help="AWS-compatible endpoint (LocalStack, moto server)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import aws, dlq

    aws.configure(args.endpoint_url)
    try:
        queues = [args.queue] if args.queue else dlq.dead_letter_queues(args.prefix)
        if not queues:
            print("mips replay-dlq: no dead-letter queue found", file=sys.stderr)
            return 1
        total = 0
        for q in queues:
            report = dlq.replay(q, source=args.source, limit=args.limit)
            total += report.moved
            print(f"{report.dead_letter_queue} -> {report.source_queue}: {report.moved} message(s) replayed")
        print(f"replayed {total} message(s)")
        return 0
    except ValueError as exc:
        print(f"mips replay-dlq: {exc}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as exc:
        print(f"mips replay-dlq: {exc}", file=sys.stderr)
        return 1
    finally:
        aws.configure(None)
