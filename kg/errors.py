"""One error hierarchy: every message names the bad value and, where useful, the valid choices."""


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """An input file could not be read as a gazette (empty, binary, undecodable, too large)."""

    exit_code = 3

    def __init__(self, path, reason):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NoDocumentsError(InputError):
    """A file decoded but held no document text."""


class QueryError(KGError):
    """A SPARQL query that does not parse, or a named query that does not exist."""

    exit_code = 4


class GraphNotBuiltError(KGError):
    """A command needs a built graph and there is none."""

    exit_code = 5
