"""Every report as one flat table, for CSV export: a header and rows, in the report's order."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

Table = tuple[list[str], list[list[Any]]]


def _leads(b: dict[str, Any]) -> Table:
    rows = [[p["period"], source, n] for p in b["series"] for source, n in sorted(p["bySource"].items())]
    return ["period", "source", "leads"], rows


def _funnel(b: dict[str, Any]) -> Table:
    rows = [["stage", s["stage"], s["dossiers"], s["rateFromCreated"], s["rateFromPrevious"]]
            for s in b["stages"]]
    rows += [["status", s["status"], s["dossiers"], None, None] for s in b["statusEntries"]]
    return ["kind", "name", "dossiers", "rateFromCreated", "rateFromPrevious"], rows


def _items(b: dict[str, Any]) -> Table:
    items = b["items"]
    header = list(dict.fromkeys(k for item in items for k in item if not isinstance(item[k], dict)))
    nested = list(dict.fromkeys(k for item in items for k, v in item.items() if isinstance(v, dict)))
    header += [f"{n}.{k}" for n in nested for k in dict.fromkeys(k for i in items for k in (i.get(n) or {}))]
    return header, [[_cell(item, column) for column in header] for item in items]


def _cell(item: dict[str, Any], column: str) -> Any:
    if "." in column:
        outer, inner = column.split(".", 1)
        return (item.get(outer) or {}).get(inner)
    return item.get(column)


def _stage_times(b: dict[str, Any]) -> Table:
    header = ["kind", "name", "count", "avgSeconds", "medianSeconds"]
    rows = [["status", s["status"], s["count"], s["avgSeconds"], s["medianSeconds"]] for s in b["stages"]]
    rows += [["timeToClose", k, v["count"], v["avgSeconds"], v["medianSeconds"]]
             for k, v in b["timeToClose"].items()]
    return header, rows


def _flat(b: dict[str, Any]) -> Table:
    pairs = [(k, v) for k, v in b.items() if k not in ("from", "to") and not isinstance(v, (dict, list))]
    pairs += [(f"{k}.{kk}", vv) for k, v in b.items() if isinstance(v, dict) for kk, vv in v.items()]
    pairs += [(f"{k}.{row.get('channel')}.{d}", row[d]) for k, v in b.items() if isinstance(v, list)
              for row in v for d in row if d != "channel"]
    return ["measure", "value"], [[k, v] for k, v in pairs]


TABLES: dict[str, Callable[[dict[str, Any]], Table]] = {
    "leads": _leads, "funnel": _funnel, "conversion": _items, "top-listings": _items, "agents": _items,
    "stage-times": _stage_times, "first-response": _flat, "appointments": _flat, "messages": _flat,
}


def to_csv(name: str, body: dict[str, Any]) -> str:
    header, rows = TABLES[name](body)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
