"""`has_element`: a JSON list that holds a value as one of its elements, on both databases.

Django's own `contains` on a JSONField does not exist on SQLite, and matching the list's text
serves no index. On PostgreSQL it is containment of a one-element list (`@>`) tested on
`NULLIF(list, '[]')`: the same answer (an empty list holds nothing), written so that it is the
expression of the log's two indexes of the reason codes (audit/migrations/0017): PostgreSQL
keeps statistics of it, and a match implies the partial index's `... IS NOT NULL`. On SQLite,
`json_each`.
"""

import json

from django.db import NotSupportedError, models


@models.JSONField.register_lookup
class HasElement(models.Lookup):
    """`reason_codes__has_element="consent_missing"`: the list holds exactly that element."""

    lookup_name = "has_element"
    # The value is one element, not a JSON document: it is sent as its own parameter below.
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return (
            f"NULLIF({lhs}, '[]'::jsonb) @> %s::jsonb",
            [*lhs_params, json.dumps([self.rhs])],
        )

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return (
            # The column's own compiled SQL; the value is a parameter.
            f"EXISTS (SELECT 1 FROM json_each({lhs}) AS element WHERE element.value = %s)",  # noqa: S608
            [*lhs_params, self.rhs],
        )

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"has_element is not written for {connection.vendor}")
