"""/metrics as prometheus_client's own parser reads it: one scrape, and the values in it."""
from __future__ import annotations

import requests
from prometheus_client.parser import text_string_to_metric_families


class Metrics:
    """One scrape. Counter families are named without `_total` by the parser; samples keep it."""

    def __init__(self, text: str):
        self.text = text
        self.families = {f.name: f for f in text_string_to_metric_families(text)}
        self.samples = [s for f in self.families.values() for s in f.samples]

    def value(self, name: str, **labels) -> float:
        """Sum of the samples called `name` whose labels include `labels` (0 when none)."""
        return sum(s.value for s in self.samples
                   if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))

    def has(self, name: str, **labels) -> bool:
        return any(s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
                   for s in self.samples)

    def series(self, name: str) -> dict[frozenset, float]:
        return {frozenset(s.labels.items()): s.value for s in self.samples if s.name == name}


def scrape(server) -> Metrics:
    r = requests.get(server.url("/metrics"), timeout=30)
    assert r.status_code == 200, f"/metrics: {r.status_code} {r.text[:500]}"
    return Metrics(r.text)
