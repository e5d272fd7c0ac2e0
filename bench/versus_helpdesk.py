"""Side by side with django-helpdesk: our speed-ups, from two runs on one machine and one shape of data.

Run from the repository root, one straight after the other, with nothing else running::

    # django-helpdesk 2.6.1 at 100,000 tickets (its own setup, seed and bench scripts; see its README)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_bench OUT=/tmp/helpdesk.json \\
        /tmp/helpdesk-venv/bin/python bench.py
    # wagtail-support at 100,000 tickets
    .venv/bin/python bench/admin_queue.py --tickets 100000 --json /tmp/ours.json
    .venv/bin/python bench/versus_helpdesk.py /tmp/ours.json /tmp/helpdesk.json

Both benches time views in process through ``django.test.Client`` (routing, middleware, view, ORM,
templates; no web server), with the cached template loader, on PostgreSQL, after warm-up requests.
The data have the same shape: 100,000 tickets over a year in every status, about five messages per
ticket, 2,000 customers.

Pairs compared (ours ÷ theirs is the speed-up; the target is a ratio, not a time):

* the agent's dashboard: our admin home with the support panel, against django-helpdesk's dashboard;
  target >= 50x;
* the ticket screen: our agent's ticket screen, against its ticket detail page with five follow-ups;
  target >= 3x;
* each list view: each of our queue pages (the default queue, the results-only refresh, and the
  filtered queues), against what django-helpdesk needs to show its list: the list page and the
  datatables JSON that fills it; target >= 15x.

Query counts are printed beside each pair (one request each); ours must not grow with the data
(``tests/staff`` checks that). Exit status 0 when every target is met, 1 when one is missed, 2 on
unreadable input.
"""

import json
import sys

HELPDESK_DASHBOARD = "staff: dashboard"
HELPDESK_DETAIL = "staff: ticket detail (5 follow-ups)"
HELPDESK_LIST = ("staff: ticket list page (HTML)", "staff: ticket list datatables JSON (25 rows)")
OURS_DASHBOARD = "dashboard (home with panel)"
OURS_TICKET = "ticket screen"
OURS_LISTS = (
    "queue, default",
    "queue results only (filter/page refresh)",
    "queue, open + unassigned",
    "queue, overdue",
    "queue, mine + high priority",
)
DASHBOARD_TARGET, TICKET_TARGET, LIST_TARGET = 50.0, 3.0, 15.0


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def rows_by_view(document):
    return {row["view"]: row for row in document["results"]}


def compare(ours, theirs):
    """(label, our ms, our queries, their ms, their queries, ratio, target) for each pair."""
    theirs_list_ms = sum(theirs[view]["median_ms"] for view in HELPDESK_LIST)
    theirs_list_queries = sum(theirs[view]["queries"] for view in HELPDESK_LIST)
    pairs = [
        (
            OURS_DASHBOARD,
            theirs[HELPDESK_DASHBOARD]["median_ms"],
            theirs[HELPDESK_DASHBOARD]["queries"],
            DASHBOARD_TARGET,
        ),
        (
            OURS_TICKET,
            theirs[HELPDESK_DETAIL]["median_ms"],
            theirs[HELPDESK_DETAIL]["queries"],
            TICKET_TARGET,
        ),
        *((view, theirs_list_ms, theirs_list_queries, LIST_TARGET) for view in OURS_LISTS),
    ]
    for view, their_ms, their_queries, target in pairs:
        mine = ours[view]
        yield (
            view,
            mine["median_ms"],
            mine.get("queries"),
            their_ms,
            their_queries,
            their_ms / mine["median_ms"],
            target,
        )


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        ours_document, theirs_document = load(argv[1]), load(argv[2])
        ours, theirs = rows_by_view(ours_document), rows_by_view(theirs_document)
        rows = list(compare(ours, theirs))
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot compare: {error!r}", file=sys.stderr)
        return 2
    meta = theirs_document.get("meta", {})
    print(
        f"django-helpdesk {meta.get('django_helpdesk', '?')}: {meta.get('tickets_at_start', '?'):,} tickets, "
        f"load {meta.get('loadavg_1min_start_end', '?')}; wagtail-support: {ours_document['meta']}"
    )
    print(f"{'ours':44} {'ms':>8} {'q':>4}   {'django-helpdesk ms':>18} {'q':>4}   {'speed-up':>8}  target")
    missed = 0
    for view, mine_ms, mine_q, their_ms, their_q, ratio, target in rows:
        verdict = "PASS" if ratio >= target else "MISS"
        missed += verdict == "MISS"
        print(
            f"{view:44} {mine_ms:8.1f} {mine_q if mine_q is not None else '?':>4}   "
            f"{their_ms:18.1f} {their_q:>4}   {ratio:7.1f}x  >= {target:g}x {verdict}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
