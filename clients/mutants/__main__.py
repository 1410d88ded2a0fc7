"""``python -m clients.mutants NAME``: one mutant client over stdio, for the process adapter.

The reference client's loop (``clients.reference.__main__``) with the mutant ``NAME``'s defect
applied first, so ``--client "process:python -m clients.mutants NAME"`` runs the suite against it
in a process of its own.
"""

from __future__ import annotations

import sys

from clients.mutants import activate, registry
from clients.reference.__main__ import serve


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in registry():
        sys.stderr.write(f"usage: python -m clients.mutants NAME, NAME one of: {', '.join(registry())}\n")
        return 2
    activate(argv[0])
    serve(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
