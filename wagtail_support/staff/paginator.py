"""Counts that never walk hundreds of thousands of rows: the queue's paginator and the capped count.

An exact count of a big listing (500,000 open tickets, a word found in most conversations) reads every
matching row: about 100 ms at a million tickets, more than the page itself. The queue counts at most
``COUNT_CAP`` matches beyond the page shown (``SELECT COUNT(*) FROM (... LIMIT n)``, Django's
``count()`` of a sliced queryset): below the cap the count is exact; above it the listing says
"More than 1,000 tickets", links the pages up to the cap and offers "Next" beyond it. Paging on moves
the cap with the page, so every ticket stays reachable and the count stays honest ("more than").
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.admin.paginator import WagtailPaginator

#: Matches counted beyond the first row of the page shown (a multiple of the page size, 25).
COUNT_CAP = 1000


def capped_count(queryset, cap=None):
    """The queryset's count, reading at most ``cap + 1`` rows (``COUNT_CAP`` unless told): above ``cap``
    means "more"."""
    cap = COUNT_CAP if cap is None else cap
    return queryset.order_by()[: cap + 1].count()  # any order: the planner picks the cheapest path


def count_label(count):
    """A capped count for people: "1,000+" above the cap, else the number."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


class CappedPaginator(WagtailPaginator):
    """Wagtail's paginator, counting at most ``COUNT_CAP`` rows past the start of ``page_number``."""

    def __init__(self, object_list, per_page, page_number=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        try:
            first = max(int(page_number or 1), 1)
        except (TypeError, ValueError):
            first = 1
        # Counted up to here; with a cap that is a multiple of the page size, every page up to it is full.
        self.limit = (first - 1) * int(per_page) + COUNT_CAP

    @cached_property
    def count(self):
        # One row past the limit tells "more" apart from "exactly the limit"; it makes one page
        # beyond the counted ones, so "Next" leads on from the last counted page.
        return capped_count(self.object_list, self.limit)

    @cached_property
    def is_capped(self):
        return self.count > self.limit

    @cached_property
    def counted_pages(self):
        """The pages linked by number: all of them, or those up to the cap."""
        return self.limit // self.per_page if self.is_capped else self.num_pages

    def get_elided_page_range(self, page_number):
        for number in super().get_elided_page_range(page_number):
            if number == self.ELLIPSIS or number <= self.counted_pages:
                yield number

    @cached_property
    def items_count_label(self):
        if self.is_capped:
            # Always many: the cap is a thousand or more.
            return _("More than %(count)s %(names)s") % {
                "count": f"{self.limit:,}",
                "names": self.verbose_name_plural,
            }
        return super().items_count_label

    @cached_property
    def pages_label(self):
        """The number of pages: "40+" when capped."""
        return f"{self.counted_pages:,}+" if self.is_capped else f"{self.num_pages:,}"
