"""Load the lists into Neo4j (or any Bolt server), read them back, run the local servers.

The package works with Neo4j 5 and ArcadeDB's Bolt plugin; where they differ it says so:

- ArcadeDB fails a uniqueness constraint when a label is added to an existing
  node, so every node is created with all its labels in one ``CREATE``, and a
  node whose kind changed is deleted and created again, never relabelled.
- ArcadeDB answers ``DeadlockDetected`` to an auto-commit ``UNWIND … MERGE``
  whose rows touch the same node, and to concurrent transactions touching the
  same records; one writer sends managed transactions one at a time.
- ArcadeDB keeps each label combination as a type with its own index, so a
  lookup by ``:Resource {uri}`` searches them all; relationships between
  nodes created in the same load find them by ``elementId`` instead.
- ArcadeDB does not enforce read access mode (Neo4j refuses a write in it):
  read-only queries are run in an explicit read transaction that is always
  rolled back (see :class:`loaders.bolt.read.ReadSession`).
- ArcadeDB has no dynamic labels: on Neo4j 5.26 and later the writer passes
  labels and relationship types as parameters (one query shape to plan),
  on ArcadeDB it writes them into the query text (:func:`loaders.bolt.write.dynamic_types`).
- ArcadeDB ignores a transaction's timeout and finishes a query whose client
  has gone: :class:`loaders.bolt.read.ReadSession` stops waiting at the limit
  and drops the connection (Neo4j ends the transaction itself).

The modules:

- :mod:`loaders.bolt.connect`: settings, URI checks, a verified driver.
- :mod:`loaders.bolt.read`: read the graph (or some of its items) back; read-only sessions.
- :mod:`loaders.bolt.write`: batched writes in managed transactions.
- :mod:`loaders.bolt.diff`: the one diff, what to send so that the database holds a graph.
- :mod:`loaders.bolt.lock`: one load at a time per database (a lock node, a lease).
- :mod:`loaders.bolt.state`: the summary a load leaves in the database (buckets, digests, hashes).
- :mod:`loaders.bolt.snapshot`: the snapshot of the lists as last loaded, in the user's cache.
- :mod:`loaders.bolt.options`: a load's options, the load under way and what it did.
- :mod:`loaders.bolt.prepare`: connect and read the database while the lists are checked.
- :mod:`loaders.bolt.first`: a first load into an empty database.
- :mod:`loaders.bolt.buckets`: a load that compares the buckets whose digest differs.
- :mod:`loaders.bolt.rows`: a load that sends only what the changed rows change.
- :mod:`loaders.bolt.load`: ``load`` and ``load_lists``, which choose among those.
- :mod:`loaders.bolt.admin`: files for ``neo4j-admin database import``.
- :mod:`loaders.bolt.server`: local Bolt servers (the process, ArcadeDB's), ``kg serve``.
- :mod:`loaders.bolt.neo4j_server`: a real Neo4j, its jars fetched with Maven (``neo4j/``).
"""
