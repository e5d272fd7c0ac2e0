"""The search document moves out of the ticket row into its own table, one row per ticket.

Each ticket carried its search document inline (about 1.1 KB of its 1.5 KB): the queue's counts and
the dashboard's aggregates read three times the bytes they needed, and at a million tickets a count
of a common word's matches was a parallel scan of the whole 541 MB ticket table. The document is now
``TicketSearchDocument.document`` (a ``SearchVectorField`` declared to Django), with its own GIN index.

On PostgreSQL, as in migration 0010, the database keeps the documents current (the functions of 0010
are kept; the trigger functions are replaced to write the new table; raw SQL on the app's own tables
only, fenced in docs/architecture.md and checked by tests/tickets/test_search.py):

* a new ticket gets its row with its title's words (one INSERT per statement, so a bulk insert or a
  ``COPY`` with triggers on costs one statement);
* a new title recomputes the ticket's document; inserted messages add their words; changed or deleted
  messages recompute their tickets' documents; ``TRUNCATE`` of the messages leaves the titles' words;
* a deleted ticket's row is deleted with it (Django's ``CASCADE`` collects it; no trigger needed).

On an existing site the documents are copied from the ticket column (``COPY_EXISTING``: no text is
parsed again; seconds at a million tickets), then the column, its trigger functions and its index are
dropped. PostgreSQL's ``DROP COLUMN`` only hides the column: the old rows keep their bytes until they are
rewritten, so run ``VACUUM FULL wagtail_support_ticket`` (or pg_repack) after migrating a large site
to give the space back (docs/deployment.md). ``REBUILD`` computes every ticket's document from its title
and messages (the bench, and a site whose documents must be rebuilt).

Other databases create the empty table and nothing else.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TABLE = "wagtail_support_ticketsearchdocument"

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION wsupport_ticket_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO wagtail_support_ticketsearchdocument (ticket_id, document)
    SELECT id, wsupport_words(title) FROM new_tickets
    ON CONFLICT (ticket_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_ticket_search_retitle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticketsearchdocument
    SET document = wsupport_ticket_document(NEW.title, NEW.id)
    WHERE ticket_id = NEW.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticketsearchdocument AS s
    SET document = wsupport_tsvector_add(s.document, added.document)
    FROM (
        SELECT ticket_id, wsupport_tsvector_agg(wsupport_words(body) ORDER BY created_at, id) AS document
        FROM added_messages GROUP BY ticket_id
    ) AS added
    WHERE s.ticket_id = added.ticket_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticketsearchdocument AS s
    SET document = wsupport_ticket_document(t.title, t.id)
    FROM wagtail_support_ticket AS t
    WHERE s.ticket_id = t.id AND t.id IN (
        -- the ticket a changed message was on, and the one it is on now (a merge moves messages)
        SELECT unnest(ARRAY[o.ticket_id, n.ticket_id])
        FROM old_messages AS o JOIN new_messages AS n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.ticket_id IS DISTINCT FROM n.ticket_id
    );
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticketsearchdocument AS s
    SET document = wsupport_ticket_document(t.title, t.id)
    FROM wagtail_support_ticket AS t
    WHERE s.ticket_id = t.id AND t.id IN (SELECT DISTINCT ticket_id FROM old_messages);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticketsearchdocument AS s
    SET document = wsupport_words(t.title)
    FROM wagtail_support_ticket AS t
    WHERE s.ticket_id = t.id;
    RETURN NULL;
END $$;
"""

TICKET_TRIGGERS = (
    "DROP TRIGGER IF EXISTS wsupport_ticket_search_insert ON wagtail_support_ticket",
    "DROP TRIGGER IF EXISTS wsupport_ticket_search_retitle ON wagtail_support_ticket",
    "CREATE TRIGGER wsupport_ticket_search_insert AFTER INSERT ON wagtail_support_ticket "
    "REFERENCING NEW TABLE AS new_tickets FOR EACH STATEMENT "
    "EXECUTE FUNCTION wsupport_ticket_search_insert()",
    "CREATE TRIGGER wsupport_ticket_search_retitle AFTER UPDATE ON wagtail_support_ticket "
    "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) "
    "EXECUTE FUNCTION wsupport_ticket_search_retitle()",
)

# The documents an existing site already has, copied as they are.
COPY_EXISTING = f"""
INSERT INTO {TABLE} (ticket_id, document)
SELECT id, search_document FROM wagtail_support_ticket
ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
"""

# Every ticket's document from its title and messages: exactly wsupport_ticket_document(title, id), in
# one pass over the messages grouped by ticket (as migration 0010's BACKFILL). The bench times it.
REBUILD = f"""
INSERT INTO {TABLE} (ticket_id, document)
SELECT parts.ticket_id,
    wsupport_tsvector_agg(parts.words ORDER BY parts.is_message, parts.created_at, parts.message_id)
FROM (
    SELECT id AS ticket_id, false AS is_message, NULL::timestamptz AS created_at,
        NULL::bigint AS message_id, wsupport_words(title) AS words
    FROM wagtail_support_ticket
    UNION ALL
    SELECT ticket_id, true, created_at, id, wsupport_words(body)
    FROM wagtail_support_message
) AS parts
GROUP BY parts.ticket_id
ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document
"""

INDEX = f"CREATE INDEX IF NOT EXISTS wsupport_search_document ON {TABLE} USING gin (document)"


def _has_column(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'wagtail_support_ticket' AND column_name = 'search_document'"
        )
        return cursor.fetchone() is not None


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    for statement in TICKET_TRIGGERS:
        schema_editor.execute(statement)
    schema_editor.execute(COPY_EXISTING if _has_column(schema_editor) else REBUILD)
    for statement in (
        INDEX,
        "DROP INDEX IF EXISTS wsupport_ticket_search",
        "ALTER TABLE wagtail_support_ticket DROP COLUMN IF EXISTS search_document",
        f"ANALYZE {TABLE}",
    ):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    """Back to migration 0010's layout: the column, its trigger functions and index, the documents."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from importlib import import_module

    m0010 = import_module("wagtail_support.migrations.0010_ticket_search_document")
    schema_editor.execute(
        "ALTER TABLE wagtail_support_ticket ADD COLUMN IF NOT EXISTS search_document tsvector "
        "NOT NULL DEFAULT ''::tsvector"
    )
    schema_editor.execute(
        f"UPDATE wagtail_support_ticket AS t SET search_document = s.document FROM {TABLE} AS s "
        "WHERE s.ticket_id = t.id"
    )
    for statement in TICKET_TRIGGERS[:2]:
        schema_editor.execute(statement)
    schema_editor.execute(m0010.FUNCTIONS)
    for statement in m0010.FORWARDS[2:4]:  # 0010's two ticket triggers
        schema_editor.execute(statement)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS wsupport_ticket_search ON wagtail_support_ticket USING gin (search_document)"
    )


class Migration(migrations.Migration):
    dependencies = [("wagtail_support", "0019_agent")]

    operations = [
        migrations.CreateModel(
            name="TicketSearchDocument",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="wagtail_support.ticket",
                        verbose_name="ticket",
                    ),
                ),
                (
                    "document",
                    django.contrib.postgres.search.SearchVectorField(default="", verbose_name="words"),
                ),
            ],
            options={
                "verbose_name": "ticket search document",
                "verbose_name_plural": "ticket search documents",
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["first_response_at"], include=("created_at",), name="wsupport_ticket_answered"
            ),
        ),
    ]
