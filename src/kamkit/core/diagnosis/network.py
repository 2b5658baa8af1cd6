"""Step 1, embeddedness: the internal network of KAM units and their partners.

The graph (networkx) has a node per KAM unit and partner and an edge per link, weighted
``1 + Σ flow levels`` (none 0, low 1, medium 2, high 3 over asset, information and status
flows), so a link without recorded flows still counts as a tie of strength 1.

Burt's constraint and effective size are computed here with the same definitions as
``networkx.constraint`` and ``networkx.effective_size`` (which the tests use as the
reference), but with each node's normalisation computed once: networkx recomputes it
inside its inner loops and needed over five minutes for a 200 × 50 case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx

from .model import Case
from .results import UnitNetwork, kam_units_without_partners
from .scales import FLOW_KINDS, FLOW_LEVELS

Adjacency = Mapping[Hashable, Mapping[Hashable, float]]


def link_weight(flows: Mapping[str, str]) -> float:
    """Tie strength of a link: 1 + the sum of its flow levels."""
    return 1.0 + sum(FLOW_LEVELS[level] for level in flows.values())


def build_graph(case: Case) -> nx.Graph:
    """The embeddedness graph: units as nodes (with ``kind``, ``name``), links as edges."""
    graph = nx.Graph()
    units = {u.id: u for u in case.units}
    for link in case.links:
        for uid in (link.kam, link.partner):
            if uid not in graph:
                graph.add_node(uid, kind=units[uid].kind, name=units[uid].name)
        graph.add_edge(
            link.kam,
            link.partner,
            weight=link_weight(link.flows),
            flows=dict(link.flows),
            requisite_integration=link.requisite_integration,
        )
    return graph


def _strengths(adj: Adjacency) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    total: dict[Hashable, float] = {}
    peak: dict[Hashable, float] = {}
    for u, nbrs in adj.items():
        weights = [w for v, w in nbrs.items() if v != u]
        total[u] = sum(weights)
        peak[u] = max(weights, default=0.0)
    return total, peak


def burt_constraint(adj: Adjacency, nodes: Iterable[Hashable]) -> dict[Hashable, float | None]:
    """Burt's constraint of each node in an undirected weighted graph.

    ``c(i) = Σ_j (p_ij + Σ_q p_iq·p_qj)²`` over i's neighbours j, with ``p_ij`` the share
    of i's tie strength spent on j. None for an isolated node (undefined).
    """
    total, _ = _strengths(adj)
    out: dict[Hashable, float | None] = {}
    for i in nodes:
        nbrs_i = {j: w for j, w in adj[i].items() if j != i}
        if not nbrs_i or total[i] == 0:
            out[i] = None
            continue
        c = 0.0
        for j, w_ij in nbrs_i.items():
            p = w_ij / total[i]
            # indirect ties run through neighbours shared by i and j
            for q in nbrs_i.keys() & adj[j].keys():
                if q != i and q != j:
                    p += (nbrs_i[q] / total[i]) * (adj[q][j] / total[q])
            c += p * p
        out[i] = c
    return out


def effective_size(adj: Adjacency, nodes: Iterable[Hashable]) -> dict[Hashable, float | None]:
    """Burt's effective size: the number of i's contacts less their redundancy.

    ``e(i) = Σ_j (1 − Σ_q p_iq·m_jq)`` with ``m_jq`` j's tie to q relative to j's strongest
    tie. None for an isolated node.
    """
    total, peak = _strengths(adj)
    out: dict[Hashable, float | None] = {}
    for i in nodes:
        nbrs_i = {j: w for j, w in adj[i].items() if j != i}
        if not nbrs_i or total[i] == 0:
            out[i] = None
            continue
        size = 0.0
        for j in nbrs_i:
            nbrs_j = adj[j]
            redundancy = 0.0
            for q in nbrs_i.keys() & nbrs_j.keys():
                if q != i and q != j and peak[j]:
                    redundancy += (nbrs_i[q] / total[i]) * (nbrs_j[q] / peak[j])
            size += 1.0 - redundancy
        out[i] = size
    return out


def unit_networks(case: Case) -> tuple[UnitNetwork, ...]:
    """Per KAM unit with links: partners, dependence, flows, constraint and effective size;
    then each KAM unit without partners (SPEC §3: it stays in every output), with none.

    Works on adjacency dicts built straight from the links (the same ties as
    :func:`build_graph`), which keeps a 10,000-link case well under a second.
    """
    adj: dict[str, dict[str, float]] = {}
    kam_links: dict[str, list] = {}
    for link in case.links:
        w = link_weight(link.flows)
        adj.setdefault(link.kam, {})[link.partner] = w
        adj.setdefault(link.partner, {})[link.kam] = w
        kam_links.setdefault(link.kam, []).append(link)
    kam_ids = list(kam_links)
    constraint = burt_constraint(adj, kam_ids)
    size = effective_size(adj, kam_ids)
    children: dict[str, list[str]] = {}
    for u in case.units:
        if u.parent:
            children.setdefault(u.parent, []).append(u.id)

    def descendants(uid: str) -> list[str]:
        out: list[str] = []
        for child in children.get(uid, ()):
            out += [child, *descendants(child)]
        return out

    result = []
    for kam in kam_ids:
        partners, depends_on, depended, mutual = [], [], [], []
        flows: dict[str, Counter[str]] = {k: Counter() for k in FLOW_KINDS}
        for link in kam_links[kam]:
            partners.append(link.partner)
            requisite = link.requisite_integration
            if requisite in ("kam_depends", "mutual"):
                depends_on.append(link.partner)
            if requisite in ("partner_depends", "mutual"):
                depended.append(link.partner)
            if requisite == "mutual":
                mutual.append(link.partner)
            for kind, level in link.flows.items():
                flows[kind][level] += 1
        result.append(
            UnitNetwork(
                unit=kam,
                partners=tuple(partners),
                depends_on=tuple(depends_on),
                depended_on_by=tuple(depended),
                mutual=tuple(mutual),
                flows={k: {lvl: c[lvl] for lvl in FLOW_LEVELS if c[lvl]} for k, c in flows.items()},
                constraint=constraint[kam],
                effective_size=size[kam],
                teams=tuple(descendants(kam)),
            )
        )
    for kam in kam_units_without_partners(case):  # kept, with nothing recorded
        result.append(
            UnitNetwork(
                unit=kam,
                partners=(),
                depends_on=(),
                depended_on_by=(),
                mutual=(),
                flows={k: {} for k in FLOW_KINDS},
                constraint=None,
                effective_size=None,
                teams=tuple(descendants(kam)),
            )
        )
    return tuple(result)
