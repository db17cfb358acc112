/**
 * Split a grid (or zone) by a drawn line, as QGIS's "split features" does; turf has no polygon
 * splitter (`lineSplit` splits lines only), and cutting with a thin buffered line would leave a
 * sliver gap. So this is a small planar-graph polygonizer:
 *
 * 1. node the polygon's rings and the line against each other in a local metric frame;
 * 2. keep every ring edge, and the line edges whose midpoint lies inside the polygon;
 * 3. drop dangles (a line end inside the grid) and bridges (a cut that separates nothing);
 * 4. walk the faces of the graph (each half-edge's face on its left), keep the faces that lie
 *    inside the polygon, and give each the holes (rings not touched by the line) it contains.
 *
 * Pieces are made of the input's own vertices (exactly, so shared boundaries with neighbours stay
 * shared) plus the new crossing points, so their union is the input and they never overlap.
 */
import type { LineString, MultiLineString, Position } from 'geojson';
import { frameAround, type LocalFrame } from '../geometry/frame';
import { pointInRing, pointSegment, signedArea } from '../geometry/planar';
import {
  area_m2,
  geometryOf,
  polygonsOf,
  withGeometry,
  type FeatureId,
  type GridFeature,
  type PolygonRings,
} from '../geometry/polygons';
import { refuse, type ActionResult } from '../result';

export type SplitRefusal = 'not_a_line' | 'line_does_not_cross';

export type SplitOptions = {
  /** Line vertices this close to a grid vertex are taken to be that vertex (terra-draw snapping). */
  snapTolerance_m?: number;
  /** Ids for the new pieces; the largest piece keeps the input's id. Default `<id>-split-<k>`. */
  newId?: (k: number) => FeatureId;
  /**
   * Parts of a MultiPolygon that the line does not touch: join the nearest piece (default), or
   * become pieces of their own.
   */
  untouchedParts?: 'nearest' | 'separate';
};

export type SplitDone<P> = {
  /** Largest first; the first keeps the input's id and every piece keeps its properties. */
  pieces: GridFeature<P>[];
  /** Where the line crosses the boundary (nodes shared by a kept line edge and a ring edge). */
  crossings: number;
};

export type SplitResult<P> = ActionResult<SplitDone<P>, SplitRefusal>;

/** Noding tolerance: far below any survey precision, far above float noise at city scale. */
const NODE_EPSILON_M = 1e-6;

type GraphNode = { id: number; x: number; y: number; position: Position };
type Edge = {
  from: GraphNode;
  to: GraphNode;
  kind: 'ring' | 'line';
  /** For ring edges: the polygon's interior lies on the left going from → to. */
  interiorLeft: boolean;
  alive: boolean;
};
type HalfEdge = { edge: Edge; forward: boolean; face: number };

/** Split `polygon` by `line`. See the module comment; refusals explain why a line can't split. */
export function splitByLine<P>(
  polygon: GridFeature<P>,
  line: LineString | MultiLineString,
  options: SplitOptions = {},
): SplitResult<P> {
  const lines = line.type === 'LineString' ? [line.coordinates] : line.coordinates;
  if (!lines.some((l) => l.length >= 2)) return refuse('not_a_line', 'The line needs at least two points.');
  const polygons = polygonsOf(polygon.geometry);
  const frame = frameAround([...polygons.flat(2), ...lines.flat()]);
  const graph = new Graph(frame, options.snapTolerance_m ?? 0.001);

  // Ring segments first, so that line vertices can snap onto ring vertices.
  const ringSegments: Segment[] = [];
  polygons.forEach((rings) =>
    rings.forEach((ring, ringIndex) => {
      const nodes = ring.map((p) => graph.ringNode(p));
      graph.ringsXY.push(nodes.map(nodeXY));
      const counterClockwise = signedArea(nodes.map((n) => [n.x, n.y])) > 0;
      // Exterior rings have the interior inside them, holes outside them.
      const interiorLeft = (ringIndex === 0) === counterClockwise;
      for (let i = 0; i + 1 < nodes.length; i++) {
        const from = nodes[i] as GraphNode;
        const to = nodes[i + 1] as GraphNode;
        if (from !== to) ringSegments.push(new Segment(from, to, 'ring', interiorLeft));
      }
    }),
  );
  const lineSegments: Segment[] = [];
  for (const coordinates of lines) {
    const nodes = coordinates.map((p) => graph.lineNode(p));
    for (let i = 0; i + 1 < nodes.length; i++) {
      const from = nodes[i] as GraphNode;
      const to = nodes[i + 1] as GraphNode;
      if (from !== to) lineSegments.push(new Segment(from, to, 'line', false));
    }
  }
  if (lineSegments.length === 0) return refuse('not_a_line', 'The line has no length.');

  for (let i = 0; i < lineSegments.length; i++) {
    const s = lineSegments[i] as Segment;
    for (const q of ringSegments) node(graph, s, q);
    for (let j = i + 1; j < lineSegments.length; j++) node(graph, s, lineSegments[j] as Segment);
  }

  const inside = (x: number, y: number) => insidePolygons(x, y, graph.ringsXY);
  for (const segment of ringSegments) graph.addEdges(segment, () => true);
  for (const segment of lineSegments) {
    graph.addEdges(segment, (a, b) => {
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      return inside(mx, my) && distanceToRings(mx, my, graph.ringsXY) > NODE_EPSILON_M;
    });
  }

  const drawnCrossings = graph.crossings();
  graph.removeDangles();
  let faces = graph.faces();
  // A bridge (both sides in one face) cuts nothing: drop it and walk again.
  while (graph.removeBridges(faces)) {
    graph.removeDangles();
    faces = graph.faces();
  }

  const crossings = graph.crossings();
  const components = graph.components();
  const pieces: {
    rings: PolygonRings;
    extra: PolygonRings[];
    xy: [number, number][];
    touched: boolean;
    area: number;
  }[] = [];
  const shells: { xy: [number, number][]; area: number; piece: number | null; component: GraphNode }[] = [];
  const holes: { xy: [number, number][]; ring: Position[]; component: GraphNode }[] = [];
  for (const face of faces) {
    const faceNodes = face.map(startOf);
    const component = components.of(faceNodes[0] as GraphNode);
    const total = signedArea(faceNodes.map(nodeXY));
    if (Math.abs(total) < NODE_EPSILON_M * NODE_EPSILON_M) continue;
    // A face that touches itself at a node (a loop of the line hanging off a crossing, two holes
    // meeting at a point) is cut there into simple rings: a valid polygon has no self-touching ring.
    const cycles = simpleCycles(faceNodes)
      .map((nodes) => ({ nodes, xy: nodes.map(nodeXY) }))
      .map((c) => ({ ...c, area: signedArea(c.xy), ring: closeRing(c.nodes.map((n) => n.position)) }))
      .filter((c) => Math.abs(c.area) >= NODE_EPSILON_M * NODE_EPSILON_M);
    if (total < 0) {
      for (const c of cycles) if (c.area < 0) holes.push({ xy: c.xy, ring: c.ring, component });
      continue;
    }
    const shellCycles = cycles.filter((c) => c.area > 0).sort((a, b) => b.area - a.area);
    const outer = shellCycles[0];
    if (!outer) continue;
    let piece: number | null = null;
    if (faceIsInterior(face)) {
      piece = pieces.length;
      pieces.push({
        rings: [outer.ring, ...cycles.filter((c) => c.area < 0).map((c) => c.ring)],
        extra: shellCycles.slice(1).map((c) => [c.ring]),
        xy: outer.xy,
        touched: components.hasLine(faceNodes[0] as GraphNode),
        area: outer.area,
      });
    }
    shells.push({ xy: outer.xy, area: outer.area, piece, component });
  }
  // Each component's outer boundary is a hole of the smallest face of another component around it,
  // if that face is a piece (a ring of the grid that the line doesn't touch, or an island in a lake).
  for (const hole of holes) {
    const [x, y] = hole.xy[0] as [number, number];
    let best: (typeof shells)[number] | null = null;
    for (const shell of shells) {
      if (shell.component === hole.component) continue;
      if ((best === null || shell.area < best.area) && pointInRing(x, y, shell.xy)) best = shell;
    }
    if (best?.piece != null) pieces[best.piece]?.rings.push(hole.ring);
  }

  const touched = pieces.filter((p) => p.touched);
  if (touched.length < 2) {
    return refuse(
      'line_does_not_cross',
      `The line crosses the boundary ${drawnCrossings} time(s) and splits nothing: draw it from outside ` +
        `the grid, across it, to outside again.`,
    );
  }

  const groups: PolygonRings[][] = touched.map((p) => [p.rings, ...p.extra]);
  for (const part of pieces.filter((p) => !p.touched)) {
    if (options.untouchedParts === 'separate') {
      groups.push([part.rings, ...part.extra]);
      continue;
    }
    let nearest = 0;
    let nearestDistance = Infinity;
    const [px, py] = part.xy[0] as [number, number];
    touched.forEach((piece, index) => {
      for (const [x, y] of piece.xy) {
        const d = Math.hypot(x - px, y - py);
        if (d < nearestDistance) {
          nearestDistance = d;
          nearest = index;
        }
      }
    });
    groups[nearest]?.push(part.rings, ...part.extra);
  }

  const measured = groups.map((g) => {
    const geometry = geometryOf(g);
    if (!geometry) throw new Error('unreachable: a group always has a polygon');
    return { geometry, area_m2: area_m2(geometry) };
  });
  measured.sort((a, b) => b.area_m2 - a.area_m2);
  const newId = options.newId ?? ((k: number) => `${polygon.id}-split-${k}`);
  return {
    ok: true,
    pieces: measured.map((m, k) => ({ ...withGeometry(polygon, m.geometry), id: k === 0 ? polygon.id : newId(k) })),
    crossings,
  };
}

/**
 * Whether a line would split the polygon; iD's `disabled()`: the refusal's reason, or false.
 * Runs the split, so call it once per drawn line, not per mouse move.
 */
export function splitByLineDisabled<P>(
  polygon: GridFeature<P>,
  line: LineString | MultiLineString,
  options: SplitOptions = {},
): SplitRefusal | false {
  const result = splitByLine(polygon, line, options);
  return result.ok ? false : result.reason;
}

/** Cut a closed walk that visits a node more than once into walks that visit each node once. */
function simpleCycles(nodes: GraphNode[]): GraphNode[][] {
  const cycles: GraphNode[][] = [];
  const stack: GraphNode[] = [];
  const at = new Map<GraphNode, number>();
  for (const n of nodes) {
    const seen = at.get(n);
    if (seen === undefined) {
      at.set(n, stack.length);
      stack.push(n);
      continue;
    }
    const loop = stack.splice(seen + 1);
    for (const m of loop) at.delete(m);
    if (loop.length >= 2) cycles.push([n, ...loop]);
  }
  if (stack.length >= 3) cycles.push(stack);
  return cycles;
}

function closeRing(positions: Position[]): Position[] {
  return [...positions, positions[0] as Position];
}

function nodeXY(n: GraphNode): [number, number] {
  return [n.x, n.y];
}

function startOf(h: HalfEdge): GraphNode {
  return h.forward ? h.edge.from : h.edge.to;
}

function endOf(h: HalfEdge): GraphNode {
  return h.forward ? h.edge.to : h.edge.from;
}

/** The polygon's interior is on a face's left wherever the face runs along a ring. */
function faceIsInterior(face: HalfEdge[]): boolean {
  let votes = 0;
  for (const h of face) {
    if (h.edge.kind !== 'ring') continue;
    votes += h.edge.interiorLeft === h.forward ? 1 : -1;
  }
  return votes >= 0; // no ring edge at all: a loop of the line, which lies inside
}

function insidePolygons(x: number, y: number, rings: [number, number][][]): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(x, y, ring)) inside = !inside;
  return inside;
}

function distanceToRings(x: number, y: number, rings: [number, number][][]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i] as [number, number];
      const b = ring[i + 1] as [number, number];
      best = Math.min(best, pointSegment(x, y, a[0], a[1], b[0], b[1]).distance);
    }
  }
  return best;
}

/** A segment of a ring or of the line, with the nodes found along it (by parameter). */
class Segment {
  readonly splits: { t: number; node: GraphNode }[] = [];
  constructor(
    readonly from: GraphNode,
    readonly to: GraphNode,
    readonly kind: 'ring' | 'line',
    readonly interiorLeft: boolean,
  ) {}
  add(t: number, node: GraphNode) {
    if (node !== this.from && node !== this.to) this.splits.push({ t, node });
  }
}

/** Record where two segments meet: shared endpoints, an endpoint on the other, or a crossing. */
function node(graph: Graph, s: Segment, q: Segment) {
  const { from: a, to: b } = s;
  const { from: c, to: d } = q;
  if (
    Math.max(a.x, b.x) + NODE_EPSILON_M < Math.min(c.x, d.x) ||
    Math.max(c.x, d.x) + NODE_EPSILON_M < Math.min(a.x, b.x) ||
    Math.max(a.y, b.y) + NODE_EPSILON_M < Math.min(c.y, d.y) ||
    Math.max(c.y, d.y) + NODE_EPSILON_M < Math.min(a.y, b.y)
  ) {
    return;
  }
  let touched = false;
  // An endpoint of one lying on the other (this also nodes collinear overlaps).
  for (const [p, on] of [
    [c, s],
    [d, s],
    [a, q],
    [b, q],
  ] as const) {
    if (p === on.from || p === on.to) {
      touched = true;
      continue;
    }
    const { distance, t } = pointSegment(p.x, p.y, on.from.x, on.from.y, on.to.x, on.to.y);
    if (distance <= NODE_EPSILON_M) {
      on.add(t, p);
      touched = true;
    }
  }
  if (touched) return;
  // A proper crossing of the two interiors.
  const rx = b.x - a.x;
  const ry = b.y - a.y;
  const sx = d.x - c.x;
  const sy = d.y - c.y;
  const denominator = rx * sy - ry * sx;
  if (denominator === 0) return;
  const t = ((c.x - a.x) * sy - (c.y - a.y) * sx) / denominator;
  const u = ((c.x - a.x) * ry - (c.y - a.y) * rx) / denominator;
  if (t <= 0 || t >= 1 || u <= 0 || u >= 1) return;
  const crossing = graph.point(a.x + t * rx, a.y + t * ry);
  s.add(t, crossing);
  q.add(u, crossing);
}

/** The noded linework: nodes, edges, and the faces between them. */
class Graph {
  readonly ringsXY: [number, number][][] = [];
  private readonly byPosition = new Map<string, GraphNode>();
  private readonly ringNodes: GraphNode[] = [];
  private readonly edges = new Map<string, Edge>();
  private nextId = 0;

  constructor(
    private readonly frame: LocalFrame,
    private readonly snapTolerance_m: number,
  ) {}

  /** A polygon vertex; equal positions are one node, and it keeps the input's exact position. */
  ringNode(position: Position): GraphNode {
    const key = `${position[0]},${position[1]}`;
    let found = this.byPosition.get(key);
    if (!found) {
      const [x, y] = this.frame.forward(position);
      found = { id: this.nextId++, x, y, position };
      this.byPosition.set(key, found);
      this.ringNodes.push(found);
    }
    return found;
  }

  /** A line vertex, snapped to a polygon vertex within the tolerance. */
  lineNode(position: Position): GraphNode {
    const key = `${position[0]},${position[1]}`;
    const known = this.byPosition.get(key);
    if (known) return known;
    const [x, y] = this.frame.forward(position);
    let nearest: GraphNode | null = null;
    let nearestDistance = this.snapTolerance_m;
    for (const n of this.ringNodes) {
      const d = Math.hypot(n.x - x, n.y - y);
      if (d <= nearestDistance) {
        nearest = n;
        nearestDistance = d;
      }
    }
    if (nearest) return nearest;
    const made: GraphNode = { id: this.nextId++, x, y, position };
    this.byPosition.set(key, made);
    return made;
  }

  /** A new crossing point. */
  point(x: number, y: number): GraphNode {
    return { id: this.nextId++, x, y, position: this.frame.inverse([x, y]) };
  }

  /** The segment's pieces between its nodes; an edge already there (e.g. a ring's) wins. */
  addEdges(segment: Segment, keep: (from: GraphNode, to: GraphNode) => boolean) {
    const chain = [segment.from, ...segment.splits.sort((a, b) => a.t - b.t).map((s) => s.node), segment.to];
    for (let i = 0; i + 1 < chain.length; i++) {
      const from = chain[i] as GraphNode;
      const to = chain[i + 1] as GraphNode;
      if (from === to) continue;
      const key = from.id < to.id ? `${from.id}-${to.id}` : `${to.id}-${from.id}`;
      if (this.edges.has(key) || !keep(from, to)) continue;
      this.edges.set(key, { from, to, kind: segment.kind, interiorLeft: segment.interiorLeft, alive: true });
    }
  }

  private alive(): Edge[] {
    return [...this.edges.values()].filter((e) => e.alive);
  }

  removeDangles() {
    const degree = new Map<GraphNode, number>();
    const incident = new Map<GraphNode, Edge[]>();
    for (const e of this.alive()) {
      for (const n of [e.from, e.to]) {
        degree.set(n, (degree.get(n) ?? 0) + 1);
        const list = incident.get(n);
        if (list) list.push(e);
        else incident.set(n, [e]);
      }
    }
    const queue = [...degree].filter(([, d]) => d === 1).map(([n]) => n);
    while (queue.length > 0) {
      const n = queue.pop() as GraphNode;
      for (const e of incident.get(n) ?? []) {
        if (!e.alive) continue;
        e.alive = false;
        for (const m of [e.from, e.to]) {
          const d = (degree.get(m) ?? 0) - 1;
          degree.set(m, d);
          if (d === 1) queue.push(m);
        }
      }
    }
  }

  /** Every face, as the cycle of half-edges with the face on their left. */
  faces(): HalfEdge[][] {
    const outgoing = new Map<GraphNode, { half: HalfEdge; angle: number }[]>();
    const halves: HalfEdge[] = [];
    const twin = new Map<HalfEdge, HalfEdge>();
    for (const edge of this.alive()) {
      const forward: HalfEdge = { edge, forward: true, face: -1 };
      const backward: HalfEdge = { edge, forward: false, face: -1 };
      twin.set(forward, backward);
      twin.set(backward, forward);
      for (const half of [forward, backward]) {
        const start = startOf(half);
        const end = endOf(half);
        const list = outgoing.get(start) ?? [];
        list.push({ half, angle: Math.atan2(end.y - start.y, end.x - start.x) });
        outgoing.set(start, list);
        halves.push(half);
      }
    }
    const indexAt = new Map<HalfEdge, number>();
    for (const list of outgoing.values()) {
      list.sort((a, b) => a.angle - b.angle);
      list.forEach((o, i) => indexAt.set(o.half, i));
    }
    const faces: HalfEdge[][] = [];
    for (const start of halves) {
      if (start.face !== -1) continue;
      const face: HalfEdge[] = [];
      let h = start;
      while (h.face === -1) {
        h.face = faces.length;
        face.push(h);
        // Next: at the end node, the outgoing half-edge just clockwise of the way back.
        const back = twin.get(h) as HalfEdge;
        const around = outgoing.get(startOf(back)) as { half: HalfEdge }[];
        const i = indexAt.get(back) as number;
        h = (around[(i - 1 + around.length) % around.length] as { half: HalfEdge }).half;
      }
      faces.push(face);
    }
    return faces;
  }

  /** Drop edges with the same face on both sides; true if there were any. */
  removeBridges(faces: HalfEdge[][]): boolean {
    const faceOf = new Map<Edge, number[]>();
    for (const face of faces) {
      for (const h of face) {
        const sides = faceOf.get(h.edge);
        if (sides) sides.push(h.face);
        else faceOf.set(h.edge, [h.face]);
      }
    }
    let removed = false;
    for (const [edge, sides] of faceOf) {
      if (sides.length === 2 && sides[0] === sides[1]) {
        edge.alive = false;
        removed = true;
      }
    }
    return removed;
  }

  /** Nodes where a kept line edge meets the polygon's boundary. */
  crossings(): number {
    const kinds = new Map<GraphNode, Set<string>>();
    for (const e of this.alive()) {
      for (const n of [e.from, e.to]) kinds.set(n, (kinds.get(n) ?? new Set()).add(e.kind));
    }
    let count = 0;
    for (const set of kinds.values()) if (set.size === 2) count++;
    return count;
  }

  /** Connected components of the kept edges, and whether each holds a piece of the line. */
  components(): { hasLine(n: GraphNode): boolean; of(n: GraphNode): GraphNode } {
    const parent = new Map<GraphNode, GraphNode>();
    const find = (n: GraphNode): GraphNode => {
      let root = n;
      while (parent.get(root) && parent.get(root) !== root) root = parent.get(root) as GraphNode;
      parent.set(n, root);
      return root;
    };
    const edges = this.alive();
    for (const e of edges) {
      if (!parent.has(e.from)) parent.set(e.from, e.from);
      if (!parent.has(e.to)) parent.set(e.to, e.to);
      const a = find(e.from);
      const b = find(e.to);
      if (a !== b) parent.set(a, b);
    }
    const withLine = new Set<GraphNode>();
    for (const e of edges) if (e.kind === 'line') withLine.add(find(e.from));
    return { hasLine: (n) => withLine.has(find(n)), of: find };
  }
}
