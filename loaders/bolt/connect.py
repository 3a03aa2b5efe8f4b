"""Connect to Neo4j (or any Bolt server): settings, URI checks, a verified driver.

>>> check_uri("bolt:/localhost")
Traceback (most recent call last):
...
kg.errors.ConnectionFailed: 'bolt:/localhost' is not a Bolt URI (write it as bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST)
>>> redact("bolt://neo4j:S3cret@localhost:7687/neo4j")
'bolt://***@localhost:7687/neo4j'
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kg.errors import ConnectionFailed, LoadInterrupted
from kg.query.limits import DEFAULT_TIMEOUT

__all__ = ["Settings", "check_uri", "connect", "redact", "lost_while", "SCHEMES", "DEFAULT_URI", "QUERY_TIMEOUT"]

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_URI = "neo4j://localhost:7687"
#: Seconds a read-only query (``kg cypher``, ``kg query --engine cypher``) may run: the same default
#: as the embedded engine's (:data:`kg.query.limits.DEFAULT_TIMEOUT`).
QUERY_TIMEOUT = DEFAULT_TIMEOUT
_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*:/{0,2})?.*@", re.DOTALL)


def redact(uri: str) -> str:
    """The URI without the credentials it may hold (everything up to the last ``@``), for messages and logs."""
    return _CREDENTIALS.sub(lambda m: f"{m.group(1) or ''}***@", uri) if "@" in uri else uri


@dataclass(frozen=True)
class Settings:
    """Where and how to connect. The password never appears in ``repr``, nor the URI's credentials
    in :attr:`where`. ``timeout``: seconds a read-only query may run (:class:`loaders.bolt.read.ReadSession`);
    ``connect_timeout``: seconds to reach the server."""

    uri: str = DEFAULT_URI
    username: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    timeout: float = QUERY_TIMEOUT
    connect_timeout: float = 5.0

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE, then ``overrides``."""
        env = {
            "uri": os.environ.get("NEO4J_URI"),
            "username": os.environ.get("NEO4J_USERNAME"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE"),
        }
        values = {k: v for k, v in {**env, **overrides}.items() if v is not None}
        return cls(**values)

    @property
    def where(self) -> str:
        database = f", database '{self.database}'" if self.database else ""
        return f"{redact(self.uri)} as '{self.username}'{database}"


def check_uri(uri: str) -> str:
    """Refuse URIs the driver would accept silently and misuse (``bolt:/host``, a path after the port)."""
    hint = "write it as bolt://HOST:PORT, neo4j://HOST:PORT or neo4j+s://HOST"
    shown = redact(uri)
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError as exc:
        raise ConnectionFailed(f"'{shown}' is not a Bolt URI: {exc}", hint=hint) from None
    if parts.scheme not in SCHEMES or not uri.startswith(parts.scheme + "://") or not parts.hostname:
        raise ConnectionFailed(f"'{shown}' is not a Bolt URI", hint=hint)
    if parts.path not in ("", "/") or parts.fragment:
        raise ConnectionFailed(f"'{shown}' has a path after the host", hint=hint)
    if parts.username or parts.password:
        raise ConnectionFailed(
            "the URI must not hold credentials", hint="use --username/--password or NEO4J_USERNAME/NEO4J_PASSWORD"
        )
    if port is not None and not 0 < port < 65536:
        raise ConnectionFailed(f"'{shown}' has no valid port", hint=hint)
    return uri


def connect(settings: Settings):
    """A driver whose server has answered; fails within ``settings.connect_timeout`` seconds if it cannot."""
    import neo4j
    from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable

    check_uri(settings.uri)
    # The driver logs routing failures itself (a bare "Unable to retrieve routing information" on
    # standard error when the program configures no logging); its errors are reported here instead.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    if not settings.password:
        raise ConnectionFailed(f"no password for {settings.where}", hint="pass --password or set NEO4J_PASSWORD")
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=(settings.username, settings.password),
            connection_timeout=settings.connect_timeout,
            connection_acquisition_timeout=settings.connect_timeout,
            max_transaction_retry_time=15.0,
        )
    except (ConfigurationError, ValueError) as exc:
        raise ConnectionFailed(f"cannot use {redact(settings.uri)}: {exc}") from None
    try:
        driver.verify_connectivity()
        with driver.session(database=settings.database) as session:
            session.run("RETURN 1").consume()  # the database exists and answers
    except AuthError:
        driver.close()
        raise ConnectionFailed(
            f"authentication failed for {settings.where}",
            hint="check the user name and NEO4J_PASSWORD; not retried, as Neo4j locks an account after repeated failures",
        ) from None
    except (ServiceUnavailable, OSError) as exc:
        driver.close()
        raise ConnectionFailed(
            f"cannot reach {redact(settings.uri)}: {_reason(exc)}",
            hint="is the server running, and is the address right?",
        ) from None
    except (Neo4jError, DriverError) as exc:
        driver.close()
        raise ConnectionFailed(f"{settings.where}: {_reason(exc)}") from None
    return driver


@contextmanager
def lost_while(settings: Settings, doing: str):
    """Translate a connection lost while ``doing`` (part of a load) into LoadInterrupted."""
    from neo4j.exceptions import IncompleteCommit, ServiceUnavailable, SessionExpired

    hint = "run kg load again when the server answers: it compares what the interrupted load touched and completes it"
    try:
        yield
    except IncompleteCommit:
        raise LoadInterrupted(
            f"the connection to {redact(settings.uri)} was lost at a commit while {doing}: "
            "its outcome is unknown and the graph in the database may be incomplete",
            hint=hint,
        ) from None
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise LoadInterrupted(
            f"the connection to {redact(settings.uri)} was lost while {doing} ({_reason(exc)}); "
            "the graph in the database may be incomplete",
            hint=hint,
        ) from None


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.splitlines()[0]
