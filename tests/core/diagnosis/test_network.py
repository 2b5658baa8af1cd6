"""Step 1: network measures equal networkx's definitions; dependence is read from links."""

from __future__ import annotations

import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from kamkit.core.diagnosis import diagnose, load_case
from kamkit.core.diagnosis.network import burt_constraint, effective_size, link_weight


@st.composite
def weighted_graphs(draw):
    n = draw(st.integers(min_value=2, max_value=9))
    edges = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1), st.integers(0, n - 1), st.integers(min_value=1, max_value=10)
            ),
            min_size=1,
            max_size=25,
        )
    )
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for u, v, w in edges:
        if u != v:
            g.add_edge(u, v, weight=float(w))
    return g


def _adj(g):
    return {u: {v: d["weight"] for v, d in nbrs.items()} for u, nbrs in g.adjacency()}


@settings(max_examples=150, deadline=None)
@given(weighted_graphs())
def test_burt_constraint_matches_networkx(g):
    ours = burt_constraint(_adj(g), list(g))
    theirs = nx.constraint(g, weight="weight")
    for node in g:
        if g.degree(node) == 0:
            assert ours[node] is None and math.isnan(theirs[node])
        else:
            assert math.isclose(ours[node], theirs[node], rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(weighted_graphs())
def test_effective_size_matches_networkx(g):
    ours = effective_size(_adj(g), list(g))
    # networkx takes a vectorised path (scipy) for all nodes at once, which counts
    # self-loops differently; naming the nodes keeps to Burt's per-node formula
    theirs = nx.effective_size(g, nodes=list(g), weight="weight")
    for node in g:
        if g.degree(node) == 0:
            assert ours[node] is None and math.isnan(theirs[node])
        else:
            assert math.isclose(ours[node], theirs[node], rel_tol=1e-9, abs_tol=1e-12)


def test_link_weight_counts_flows():
    assert link_weight({}) == 1.0
    assert link_weight({"asset": "high", "information": "low", "status": "none"}) == 5.0


def test_published_case_dependence_and_teams(published_path):
    nets = {n.unit: n for n in diagnose(load_case(published_path)).networks}
    assert nets["kam1"].degree == 7 and nets["kam2"].degree == 6
    assert set(nets["kam1"].mutual) == {"contracting", "market_access"}
    assert len(nets["kam1"].depends_on) == 7
    assert nets["kam2"].depended_on_by == ()
    assert nets["kam2"].teams == ("kam2a", "kam2b")
    assert nets["kam2"].flows["asset"] == {"high": 6}
    # equal ties to partners not tied to each other: constraint 1/degree, effective size = degree
    assert math.isclose(nets["kam1"].constraint, 1 / 7)
    assert nets["kam1"].effective_size == 7.0


def test_build_graph_is_the_graph_the_measures_describe():
    from kamkit.core.diagnosis.network import build_graph

    from .conftest import EXAMPLES

    case = load_case(EXAMPLES / "invented-nordlicht-2024.yaml")
    graph = build_graph(case)
    assert graph.number_of_edges() == len(case.links)
    assert graph.nodes["kam_auto"]["kind"] == "kam"
    assert graph["kam_auto"]["legal"]["weight"] == link_weight(
        {"information": "high", "status": "low"}
    )
    for net in diagnose(case).networks:
        assert math.isclose(
            net.constraint, nx.constraint(graph, [net.unit], weight="weight")[net.unit]
        )
        assert math.isclose(
            net.effective_size, nx.effective_size(graph, [net.unit], weight="weight")[net.unit]
        )
