import type { Position } from '../../common/graph/schema';

/** A drawn edge as two end points: the source's output handle and the target's input handle. */
export interface EdgeEnds {
  id: string;
  source: Position;
  target: Position;
}

/** Points along Vue Flow's default bezier between a bottom handle and a top handle. */
function bezierSamples(source: Position, target: Position, samples = 24): Position[] {
  // Vue Flow's control offset for a downward edge is half the vertical distance; for an
  // upward one it grows with the square root of the overshoot (curvature 0.25).
  const dy = target.y - source.y;
  const offset = dy >= 0 ? 0.5 * dy : 0.25 * 25 * Math.sqrt(-dy);
  const c1 = { x: source.x, y: source.y + offset };
  const c2 = { x: target.x, y: target.y - offset };
  const points: Position[] = [];
  for (let i = 0; i <= samples; i += 1) {
    const t = i / samples;
    const u = 1 - t;
    points.push({
      x: u * u * u * source.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * target.x,
      y: u * u * u * source.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * target.y,
    });
  }
  return points;
}

function distanceToSegment(point: Position, a: Position, b: Position): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((point.x - a.x) * dx + (point.y - a.y) * dy) / lengthSquared));
  return Math.hypot(point.x - (a.x + t * dx), point.y - (a.y + t * dy));
}

/**
 * The edge whose drawn curve passes within `tolerance` of `point` (the closest one), or
 * null. Used to insert a layer dropped onto an edge.
 */
export function edgeAtPoint(edges: readonly EdgeEnds[], point: Position, tolerance: number): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const edge of edges) {
    const samples = bezierSamples(edge.source, edge.target);
    for (let i = 1; i < samples.length; i += 1) {
      const a = samples[i - 1];
      const b = samples[i];
      if (!a || !b) continue;
      const distance = distanceToSegment(point, a, b);
      if (distance <= tolerance && (!best || distance < best.distance)) best = { id: edge.id, distance };
    }
  }
  return best?.id ?? null;
}
