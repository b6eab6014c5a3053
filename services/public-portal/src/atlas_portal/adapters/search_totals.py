"""Recently counted (or estimated) search totals, per process: paging through a search or changing
its sort does not count its matches again.

Counting is the costliest statement of a search (it reads every match, where a page reads ``size``
rows along an index) and it depends only on the filters, not on the page or the sort. A total is kept
``ttl`` seconds — by default the ``max-age`` the search answer itself carries, so a visitor can already
see a total that old — in a bounded LRU. Only counted totals go through here: a search whose results
fit on the page it asked for knows its exact total without counting.
"""

from __future__ import annotations

from atlas_shared.ttl_cache import TtlCache


class SearchTotals(TtlCache):
    """Totals keyed by a search's filters (and scope), kept ``ttl`` seconds."""
