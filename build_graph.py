#!/usr/bin/env python3
"""Build the knowledge graph: `python build_graph.py [FILES…] --out DIR` (bundled gazette by default).

Same as `kg build`; writes DIR/graph.ttl plus the exports named by --formats.
"""
import sys

from kg.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
