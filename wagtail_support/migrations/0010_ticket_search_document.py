"""On PostgreSQL, one search document per ticket: its title and the text of all its messages.
On every database, a partial index of the open tickets still waiting for a first response (overdue
filter, dashboard, breach warnings) replaces the (status, due) index, and the assignee index also
holds the priority, so "mine" or "unassigned" with any status and priority is counted from the index.

The queue's word search was two GIN scans (titles, messages) joined by UNION: a common word
matched most of the 500,000 messages, and the page took a second. A ``tsvector`` column on the
ticket, with one GIN index, lets PostgreSQL either walk the queue's activity index and stop at the
page's 25th match (common words) or read the few matches from the index (rare words).

The column is PostgreSQL's alone: Django's model does not declare it (``staff/search.py`` reads
it), and the database keeps it current with triggers, so every way a message is written is covered
(the reply form, a merge moving messages, ``COPY``, a bulk delete):

* a ticket gets its title's words when it is created, and is recomputed when its title changes;
* inserted messages add their words (one UPDATE per statement, grouped by ticket);
* updated or deleted messages recompute their tickets' documents from what remains.

Documents are ``strip()``ped (no positions): the search matches words, it does not rank them.
No write can fail for its search document, and no exception handling (subtransactions) is needed:
each message gives the words of its first 100,000 characters, and a document that would pass
PostgreSQL's 1 MB limit for a ``tsvector`` keeps its earlier words (the title, then the oldest
messages) and takes no more. ``TRUNCATE`` of the messages leaves each ticket its title's words.

Other databases keep the substring search; nothing is added there. Migrating fills the documents
of existing tickets in one statement, ``BACKFILL``: one pass over the titles and messages grouped by
ticket, giving each ticket exactly the document ``wsupport_ticket_document()`` gives it (calling that
function once per ticket took about two hours at a million tickets). About 25 s for 100,000 tickets and
500,000 messages on a 2-core machine, about 4 minutes for a million, mostly turning the bodies into
words; the ticket table is locked meanwhile: plan that time on a large site (docs/deployment.md).
"""

from django.db import migrations, models

FUNCTIONS = r"""
-- The words of one text (at most its first 100,000 characters), without positions.
CREATE OR REPLACE FUNCTION wsupport_words(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT strip(to_tsvector('simple', left(coalesce(body, ''), 100000)))
$$;

-- The bytes of a stripped tsvector's words: PostgreSQL refuses a tsvector over 1 MB of them.
CREATE OR REPLACE FUNCTION wsupport_tsvector_bytes(document tsvector) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(sum(octet_length(word)), 0) FROM unnest(tsvector_to_array(document)) AS word
$$;

-- document || more, or document alone when more would take it past the limit: earlier words stay,
-- and no write ever fails for its search document.
CREATE OR REPLACE FUNCTION wsupport_tsvector_add(document tsvector, more tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN more IS NULL THEN coalesce(document, ''::tsvector)
        WHEN document IS NULL THEN more
        WHEN (length(document) + length(more)) * 2048 < 1000000 THEN document || more
        WHEN wsupport_tsvector_bytes(document) + wsupport_tsvector_bytes(more) < 1000000
            THEN document || more
        ELSE document
    END
$$;

CREATE OR REPLACE AGGREGATE wsupport_tsvector_agg(tsvector) (
    SFUNC = wsupport_tsvector_add, STYPE = tsvector, INITCOND = ''
);

-- A ticket's whole document: its title, then its messages from the first.
CREATE OR REPLACE FUNCTION wsupport_ticket_document(ticket_title text, ticket_pk bigint)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT wsupport_tsvector_agg(words ORDER BY part)
    FROM (
        SELECT 0 AS part, wsupport_words(ticket_title) AS words
        UNION ALL
        SELECT row_number() OVER (ORDER BY created_at, id), wsupport_words(body)
        FROM wagtail_support_message WHERE ticket_id = ticket_pk
    ) AS parts
$$;

CREATE OR REPLACE FUNCTION wsupport_ticket_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := wsupport_words(NEW.title);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION wsupport_ticket_search_retitle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := wsupport_ticket_document(NEW.title, NEW.id);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticket AS t
    SET search_document = wsupport_tsvector_add(t.search_document, added.document)
    FROM (
        SELECT ticket_id, wsupport_tsvector_agg(wsupport_words(body) ORDER BY created_at, id) AS document
        FROM added_messages GROUP BY ticket_id
    ) AS added
    WHERE t.id = added.ticket_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticket AS t
    SET search_document = wsupport_ticket_document(t.title, t.id)
    WHERE t.id IN (
        -- the ticket a changed message was on, and the one it is on now (a merge moves messages)
        SELECT unnest(ARRAY[o.ticket_id, n.ticket_id])
        FROM old_messages AS o JOIN new_messages AS n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.ticket_id IS DISTINCT FROM n.ticket_id
    );
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticket AS t
    SET search_document = wsupport_ticket_document(t.title, t.id)
    WHERE t.id IN (SELECT DISTINCT ticket_id FROM old_messages);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION wsupport_message_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wagtail_support_ticket SET search_document = wsupport_words(title);
    RETURN NULL;
END $$;
"""

# Every existing ticket's document in one pass: exactly wsupport_ticket_document(title, id) for each
# ticket (the same aggregate over the title's words, then its messages' in (created_at, id) order, so
# the same words are kept when a document reaches the limit), computed from one scan of the messages
# grouped by ticket instead of one look-up of its messages per ticket. Tickets without messages get
# their title's words. The bench (bench/admin_queue.py) times this statement.
BACKFILL = """
UPDATE wagtail_support_ticket AS t
SET search_document = documents.document
FROM (
    SELECT parts.ticket_id,
        wsupport_tsvector_agg(parts.words ORDER BY parts.is_message, parts.created_at, parts.message_id)
            AS document
    FROM (
        SELECT id AS ticket_id, false AS is_message, NULL::timestamptz AS created_at,
            NULL::bigint AS message_id, wsupport_words(title) AS words
        FROM wagtail_support_ticket
        UNION ALL
        SELECT ticket_id, true, created_at, id, wsupport_words(body)
        FROM wagtail_support_message
    ) AS parts
    GROUP BY parts.ticket_id
) AS documents
WHERE t.id = documents.ticket_id
"""

FORWARDS = (
    "ALTER TABLE wagtail_support_ticket ADD COLUMN IF NOT EXISTS search_document tsvector "
    "NOT NULL DEFAULT ''::tsvector",
    FUNCTIONS,
    "CREATE TRIGGER wsupport_ticket_search_insert BEFORE INSERT ON wagtail_support_ticket "
    "FOR EACH ROW EXECUTE FUNCTION wsupport_ticket_search_insert()",
    "CREATE TRIGGER wsupport_ticket_search_retitle BEFORE UPDATE ON wagtail_support_ticket "
    "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) "
    "EXECUTE FUNCTION wsupport_ticket_search_retitle()",
    "CREATE TRIGGER wsupport_message_search_added AFTER INSERT ON wagtail_support_message "
    "REFERENCING NEW TABLE AS added_messages FOR EACH STATEMENT "
    "EXECUTE FUNCTION wsupport_message_search_added()",
    "CREATE TRIGGER wsupport_message_search_changed AFTER UPDATE ON wagtail_support_message "
    "REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages FOR EACH STATEMENT "
    "EXECUTE FUNCTION wsupport_message_search_changed()",
    "CREATE TRIGGER wsupport_message_search_removed AFTER DELETE ON wagtail_support_message "
    "REFERENCING OLD TABLE AS old_messages FOR EACH STATEMENT "
    "EXECUTE FUNCTION wsupport_message_search_removed()",
    "CREATE TRIGGER wsupport_message_search_truncated AFTER TRUNCATE ON wagtail_support_message "
    "FOR EACH STATEMENT EXECUTE FUNCTION wsupport_message_search_truncated()",
    BACKFILL,
    "CREATE INDEX IF NOT EXISTS wsupport_ticket_search ON wagtail_support_ticket USING gin (search_document)",
    # Superseded by the document: the title and message GIN indexes of migration 0008.
    "DROP INDEX IF EXISTS wsupport_ticket_title_fts",
    "DROP INDEX IF EXISTS wsupport_message_body_fts",
    "ANALYZE wagtail_support_ticket",
)

BACKWARDS = (
    "CREATE INDEX IF NOT EXISTS wsupport_ticket_title_fts ON wagtail_support_ticket "
    "USING gin (to_tsvector('simple', title))",
    "CREATE INDEX IF NOT EXISTS wsupport_message_body_fts ON wagtail_support_message "
    "USING gin (to_tsvector('simple', body))",
    "DROP TRIGGER IF EXISTS wsupport_message_search_truncated ON wagtail_support_message",
    "DROP TRIGGER IF EXISTS wsupport_message_search_removed ON wagtail_support_message",
    "DROP TRIGGER IF EXISTS wsupport_message_search_changed ON wagtail_support_message",
    "DROP TRIGGER IF EXISTS wsupport_message_search_added ON wagtail_support_message",
    "DROP TRIGGER IF EXISTS wsupport_ticket_search_retitle ON wagtail_support_ticket",
    "DROP TRIGGER IF EXISTS wsupport_ticket_search_insert ON wagtail_support_ticket",
    "DROP FUNCTION IF EXISTS wsupport_message_search_truncated(), wsupport_message_search_removed(), "
    "wsupport_message_search_changed(), wsupport_message_search_added(), wsupport_ticket_search_retitle(), "
    "wsupport_ticket_search_insert(), wsupport_ticket_document(text, bigint)",
    "DROP AGGREGATE IF EXISTS wsupport_tsvector_agg(tsvector)",
    "DROP FUNCTION IF EXISTS wsupport_tsvector_add(tsvector, tsvector), wsupport_tsvector_bytes(tsvector), "
    "wsupport_words(text)",
    "ALTER TABLE wagtail_support_ticket DROP COLUMN IF EXISTS search_document",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("wagtail_support", "0009_queue_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="ticket", name="wsupport_ticket_assignee"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["assignee", "status", "priority"], name="wsupport_ticket_assignee"),
        ),
        migrations.RemoveIndex(model_name="ticket", name="wsupport_ticket_due"),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("first_response_at__isnull", True),
                    ("status__in", ("new", "awaiting_staff", "awaiting_customer")),
                ),
                fields=["first_response_due_at"],
                name="wsupport_ticket_unanswered",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
