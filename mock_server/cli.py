"""``mock-dataverse``: run the mock Dataverse from a shell.

``mock-dataverse serve`` binds 127.0.0.1 (or the address ``--host`` names, for clients in
containers on a bridge network), prints one line with the Web API base URL once it accepts
connections, and serves until interrupted.
"""

from __future__ import annotations

import argparse
import gc
import socket
import sys
import tempfile
from pathlib import Path

import uvicorn

from mock_server.app import Settings, create_app
from mock_server.auth import DEFAULT_ADMIN_TOKEN
from mock_server.clock import DEFAULT_START, format_instant, parse_instant
from mock_server.store.database import MEMORY

HOST = "127.0.0.1"


def self_signed(directory: Path, host: str = HOST) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost (and ``host``), written to
    ``directory``. Returns (CA certificate, server certificate chain, server key)."""
    import trustme

    ca = trustme.CA()
    server = ca.issue_cert(*dict.fromkeys((HOST, "localhost", host)))
    directory.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = (
        directory / "ca.pem",
        directory / "server.pem",
        directory / "server-key.pem",
    )
    ca.cert_pem.write_to_path(str(ca_path))
    server.private_key_pem.write_to_path(str(key_path))
    cert_path.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    return ca_path, cert_path, key_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock-dataverse", description="A local mock of the Dataverse Web API."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Web API (on 127.0.0.1 unless --host)")
    serve.add_argument(
        "--host",
        default=HOST,
        help="address to listen on (default %(default)s, reachable from this machine only); e.g. a "
        "Docker bridge network's gateway address, for clients in containers on that network",
    )
    serve.add_argument("--port", type=int, default=8443, help="port to listen on; 0 picks a free one")
    serve.add_argument("--db", default=MEMORY, help="SQLite file that survives restarts (default: in memory)")
    serve.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    serve.add_argument(
        "--scale", type=int, default=20, help="number of accounts; other tables follow (default 20)"
    )
    serve.add_argument(
        "--admin-token",
        default=DEFAULT_ADMIN_TOKEN,
        help=f"bearer token of the System Administrator (default {DEFAULT_ADMIN_TOKEN!r})",
    )
    serve.add_argument(
        "--clock",
        default=format_instant(DEFAULT_START),
        help="the mock clock's starting instant (default %(default)s)",
    )
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate (chain) to serve HTTPS with")
    serve.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    serve.add_argument(
        "--tls-self-signed",
        action="store_true",
        help="serve HTTPS with a generated certificate; its CA is written to --tls-dir",
    )
    serve.add_argument(
        "--tls-dir", type=Path, help="where --tls-self-signed writes ca.pem (default: a temp dir)"
    )
    serve.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    return parser


def serve(args: argparse.Namespace) -> int:
    if (args.tls_cert is None) != (args.tls_key is None):
        print("mock-dataverse: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    try:
        start = parse_instant(args.clock)
    except ValueError:
        print(f"mock-dataverse: --clock {args.clock!r} is not an ISO-8601 instant", file=sys.stderr)
        return 2
    cert, key = args.tls_cert, args.tls_key
    if args.tls_self_signed:
        ca, cert, key = self_signed(
            args.tls_dir or Path(tempfile.mkdtemp(prefix="mock-dataverse-tls-")), args.host
        )
        print(f"mock-dataverse: CA certificate {ca}", file=sys.stderr, flush=True)
    app = create_app(
        Settings(
            db=args.db, seed=args.seed, scale=args.scale, admin_token=args.admin_token, clock_start=start
        )
    )
    # IPPROTO_TCP explicitly: asyncio only turns Nagle off (TCP_NODELAY) on sockets that say so.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        print(f"mock-dataverse: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    sock.listen(2048)  # connections queue from now on, so the URL can be printed before serving
    port = sock.getsockname()[1]
    scheme = "https" if cert else "http"
    config = uvicorn.Config(
        app, log_level=args.log_level, access_log=False, ssl_certfile=cert, ssl_keyfile=key, lifespan="off"
    )
    # What start-up built (schema, tables, compiled statements) lives as long as the server: keep the
    # garbage collector from walking it again and again while requests are served.
    gc.freeze()
    print(f"mock-dataverse: serving {scheme}://{args.host}:{port}/api/data/v9.2/", flush=True)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
