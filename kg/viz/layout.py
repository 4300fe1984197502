"""Node positions, computed in Python so pages draw at once (vis-network's physics needed ~30 s
to settle 500 nodes; with positions given and physics off the gazette's overview draws in well
under a second).

`layout` runs one force layout per connected component (networkx's `spring_layout` needs scipy
from 500 nodes on, and its dense version took 7 s for 2,000 nodes; ours is vectorised numpy) and
packs components in rows; focus and county pages use `radial_layout` (rings by distance from
the centre).
"""
from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np

from .graph import NODE_TYPES

BIG, BLOCK = 1500, 1024  # component size where iterations start to shrink; rows per block
SMALL = 20  # components below this size are drawn more compactly
MAX_LABEL = 16  # characters of a name drawn on the canvas; the panel has the full name


def short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _type_rank(G: nx.Graph, n) -> int:
    return NODE_TYPES.index(G.nodes[n].get("type", "Measure"))


def _force_layout(n: int, edges: np.ndarray, seed: int, iterations: int = 100) -> np.ndarray:
    """Fruchterman–Reingold on an n-node component: exact repulsion (in row blocks, to bound
    memory), attraction along edges. Repulsion grows with both nodes' degrees (as in
    ForceAtlas2), so hubs push apart instead of knotting. Past BIG nodes the iterations shrink
    so the work stays near BIG²·100 pair steps: a huge component is drawn roughly, not slowly."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    iterations = max(2, min(iterations, int(iterations * (BIG / n) ** 2)))
    mass = np.ones(n, dtype=np.float32)
    if len(edges):
        np.add.at(mass, edges.ravel(), 1)
    mass /= mass.mean()
    k2 = np.float32(1.0 / n)  # k = sqrt(area / n) with area 1
    k = math.sqrt(k2)
    temp, cool = 0.1, 0.1 / (iterations + 1)
    disp = np.empty_like(pos)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        for a in range(0, n, BLOCK):
            dx = x[a:a + BLOCK, None] - x[None, :]
            dy = y[a:a + BLOCK, None] - y[None, :]
            w = dx * dx
            w += dy * dy
            np.maximum(w, np.float32(1e-6), out=w)
            np.divide(k2, w, out=w)
            w *= mass[a:a + BLOCK, None]
            w *= mass[None, :]
            disp[a:a + BLOCK, 0] = (dx * w).sum(1)
            disp[a:a + BLOCK, 1] = (dy * w).sum(1)
        if len(edges):
            e = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = e * (np.sqrt((e * e).sum(1)) / k)[:, None]
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp * disp).sum(1)), np.float32(1e-9))
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return pos


def _spread(pos: np.ndarray, power: float = 0.6) -> np.ndarray:
    """Pull outliers in and open up the dense core: radius r → r^power about the centroid
    (force layouts of hub-and-spoke graphs leave most nodes in a knot in the middle)."""
    centred = pos - pos.mean(0)
    r = np.sqrt((centred * centred).sum(1))
    scale = np.where(r > 0, (r / max(float(r.max()), 1e-9)) ** power / np.maximum(r, 1e-9), 0)
    return centred * scale[:, None]


def radial_layout(G: nx.Graph, centre: str, spacing: float = 100.0, gap: float = 48.0,
                  sweeps: int = 3, group=None) -> dict[str, tuple[float, float]]:
    """The centre in the middle, then one ring per step away from it. Nodes on a ring are first
    ordered by their neighbours on the ring inside, then `sweeps` times by the mean angle of
    their neighbours on both sides (the barycentre heuristic of layered drawing: fewer
    crossings), ties by `group(node)` (e.g. lead before partner), type and name. Nodes not
    connected to the centre go on an outer ring."""
    dist = nx.single_source_shortest_path_length(G, centre)
    far = max(dist.values()) + 1
    rings: dict[int, list[str]] = defaultdict(list)
    for n in G:
        rings[dist.get(n, far)].append(n)
    levels = sorted(k for k in rings if k)
    angle = {centre: 0.0}

    def mean_angle(n, sides) -> float | None:
        near = [angle[m] for m in G[n] if m in angle and dist.get(m, far) in sides]
        if not near:
            return None
        return math.atan2(sum(map(math.sin, near)), sum(map(math.cos, near))) % (2 * math.pi)

    def arrange(level, sides):
        def key(n):
            a = mean_angle(n, sides)
            return (round(a, 6) if a is not None else angle.get(n, 7.0), group(n) if group else 0, _type_rank(G, n),
                    G.nodes[n]["label"], n)
        ring = sorted(rings[level], key=key)
        turn = angle[ring[0]] if ring[0] in angle and level in done else 0.3 * level  # spokes of rings don't align
        for i, n in enumerate(ring):
            angle[n] = (turn + 2 * math.pi * i / len(ring)) % (2 * math.pi)
        rings[level] = ring
        done.add(level)

    done: set = set()
    for level in levels:
        arrange(level, {level - 1})
    for _ in range(sweeps):
        for level in [*reversed(levels), *levels]:
            arrange(level, {level - 1, level + 1})
    out = {centre: (0.0, 0.0)}
    radius = 0.0
    for level in levels:
        ring = rings[level]
        # room on the ring for each label: about 10 px a character (15 px glyphs, neighbours staggered)
        room = max(gap, 10 * sorted(len(short(G.nodes[n]["label"])) for n in ring)[len(ring) // 2])
        radius = max(radius * (1.12 if len(rings.get(level - 1, ())) > 8 else 1) + spacing * 1.8,
                     len(ring) * room / (2 * math.pi))
        for i, n in enumerate(ring):  # on a full ring, every other node a little further out
            r = radius * (1.12 if i % 2 and len(ring) > 8 else 1.0)
            out[n] = (round(r * math.cos(angle[n]), 1), round(r * math.sin(angle[n]), 1))
    return out


def layout(G: nx.Graph, seed: int = 7, spacing: float = 100.0, aspect: float = 1.6) -> dict[str, tuple[float, float]]:
    """Pixel positions: each component laid out alone (seeded), biggest first; unlinked nodes
    last, in a grid by type. A component holding a third or more of the area keeps the
    left side and the others are packed in rows beside it (so the main component fills most
    of the view); otherwise all are packed in rows about `aspect` times wider than tall.

    A component of n nodes gets a square of side spacing·1.6·√n (1.2·√n below SMALL nodes), so
    density is alike across components and a page's width grows with √(nodes).
    """
    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    boxes = []  # (width, height, {node: (x, y) inside the box})
    for comp in (c for c in comps if len(c) > 1):
        n = len(comp)
        if n == 2:
            boxes.append((spacing * 2, spacing * 0.5, {comp[0]: (spacing * 0.5, 0.0), comp[1]: (spacing * 1.5, 0.0)}))
            continue
        index = {node: i for i, node in enumerate(comp)}
        edges = np.array([(index[u], index[v]) for u, v in G.edges(comp)], dtype=np.int64)  # comp's order
        pos = _spread(_force_layout(n, edges.reshape(-1, 2), seed))
        pos -= pos.min(0)
        pos /= max(float(pos.max()), 1e-9)
        side = spacing * (1.6 if n >= SMALL else 1.2) * math.sqrt(n)  # small ones are stars: more compact
        local = {node: (float(pos[i, 0]) * side, float(pos[i, 1]) * side) for node, i in index.items()}
        boxes.append((side, side, local))
    alone = sorted((c[0] for c in comps if len(c) == 1), key=lambda n: (_type_rank(G, n), n))
    cell, gap = spacing * 0.5, spacing * 0.5
    if alone:
        cols = max(1, int(math.sqrt(len(alone) * aspect)))
        grid = {node: ((i % cols) * cell, (i // cols) * cell) for i, node in enumerate(alone)}
        boxes.append((min(len(alone), cols) * cell, (len(alone) - 1) // cols * cell, grid))
    total = sum(w * h for w, h, _ in boxes)
    out: dict = {}
    x0 = 0.0
    if len(boxes) > 1 and boxes[0][0] * boxes[0][1] >= total / 3:
        w, h, local = boxes.pop(0)
        out.update(local)
        x0 = w + 2 * gap
        # the row width that lets the whole drawing, fitted to an `aspect` view, appear largest
        widths = [max(b[0] for b in boxes) * 1.1 ** i for i in range(60)]
        width = max(widths, key=lambda wd: min(aspect / (x0 + wd), 1 / max(h, _rows(boxes, wd, gap)[1])))
    else:
        width = max([math.sqrt(total * aspect), *(w for w, _, _ in boxes)])
    placed, _ = _rows(boxes, width, gap)
    out.update({node: (x0 + x, y) for node, (x, y) in placed.items()})
    return {node: (round(px, 1), round(py, 1)) for node, (px, py) in out.items()}


def _rows(boxes, width: float, gap: float) -> tuple[dict, float]:
    """Boxes placed left to right in rows of `width`; (positions, height)."""
    out, x, y, row_h = {}, 0.0, 0.0, 0.0
    for w, h, local in boxes:
        if x and x + w > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for node, (px, py) in local.items():
            out[node] = (x + px, y + py)
        x += w + gap
        row_h = max(row_h, h)
    return out, y + row_h


def separate_labels(pos: dict, labels: dict, px: float, view=(1000, 620), rounds: int = 80) -> dict:
    """Move the nodes of `labels` apart until their labels, `px` high on screen when the whole
    layout is fitted to `view`, no longer overlap (the hubs' names must all be readable)."""
    if len(labels) < 2:
        return pos
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    fit = 0.92 * min(1.0, view[0] / (max(xs) - min(xs) + 100), view[1] / (max(ys) - min(ys) + 100))
    nodes = sorted(labels)
    at = np.array([pos[n] for n in nodes], dtype=float)
    half = np.array([(len(labels[n]) * px / 2 + 8) / fit for n in nodes])
    height = 1.6 * px / fit  # a line and a half: labels sit under nodes of different sizes
    for _ in range(rounds):
        moved = False
        for i in range(len(nodes)):
            for j in range(i + 1, len(nodes)):
                dx, dy = at[j] - at[i]
                ox, oy = half[i] + half[j] - abs(dx), height - abs(dy)
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                if oy <= ox:  # labels are wide: moving up or down frees them sooner
                    step = (oy / 2 + 1) * (1 if dy > 0 or (dy == 0 and i < j) else -1)
                    at[i, 1] -= step
                    at[j, 1] += step
                else:
                    step = (ox / 2 + 1) * (1 if dx > 0 else -1)
                    at[i, 0] -= step
                    at[j, 0] += step
        if not moved:
            break
    out = dict(pos)
    out.update({n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(nodes, at)})
    return out
