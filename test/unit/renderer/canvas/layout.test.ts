import { describe, expect, it } from 'vitest';
import { ROOM_BELOW, ROOM_BESIDE, autoLayout, makeRoom, type NodeSize } from '../../../../renderer/canvas/layout';
import { buildTemplate } from '../../../../common/templates';

interface Placed {
  id: string;
  position: { x: number; y: number };
}

/** The nodes with `moved` applied. */
function apply(nodes: readonly Placed[], moved: ReadonlyMap<string, { x: number; y: number }>): Placed[] {
  return nodes.map((node) => ({ id: node.id, position: moved.get(node.id) ?? node.position }));
}

/** Pairs of boxes that intersect or sit closer than the room `makeRoom` keeps. */
function crowded(nodes: readonly Placed[], sizes: ReadonlyMap<string, NodeSize>): string[] {
  const pairs: string[] = [];
  nodes.forEach((a, i) => {
    nodes.slice(i + 1).forEach((b) => {
      const sa = sizes.get(a.id);
      const sb = sizes.get(b.id);
      if (!sa || !sb) return;
      const columns = a.position.x < b.position.x + sb.width + ROOM_BESIDE && b.position.x < a.position.x + sa.width + ROOM_BESIDE;
      const rows = a.position.y < b.position.y + sb.height + ROOM_BELOW && b.position.y < a.position.y + sa.height + ROOM_BELOW;
      if (columns && rows) pairs.push(`${a.id}×${b.id}`);
    });
  });
  return pairs;
}

describe('makeRoom', () => {
  it('pushes a layer inserted into a chain, and the rest of the chain, down; other columns stay', () => {
    const size = { width: 200, height: 110 };
    const nodes: Placed[] = [
      { id: 'pool', position: { x: 0, y: 0 } },
      { id: 'conv', position: { x: 0, y: 140 } },
      { id: 'add', position: { x: 0, y: 280 } },
      { id: 'inserted', position: { x: 0, y: 140 } },
      { id: 'beside', position: { x: 240, y: 140 } },
    ];
    const sizes = new Map(nodes.map((node) => [node.id, size]));
    const moved = makeRoom(nodes, sizes);
    const after = apply(nodes, moved);
    expect(crowded(after, sizes)).toEqual([]);
    expect(moved.has('pool')).toBe(false);
    expect(moved.has('beside')).toBe(false);
    const y = (id: string): number => after.find((node) => node.id === id)?.position.y ?? NaN;
    expect(y('conv')).toBe(110 + ROOM_BELOW);
    expect(y('inserted')).toBe(y('conv') + 110 + ROOM_BELOW);
    expect(y('add')).toBe(y('inserted') + 110 + ROOM_BELOW);
    expect(after.every((node) => node.position.x === nodes.find((n) => n.id === node.id)?.position.x)).toBe(true);
  });

  it('moves nothing that is already apart, and leaves unmeasured nodes alone', () => {
    const graph = autoLayout(buildTemplate('small-inception', { inputShape: [32, 32, 3], classes: 10 }));
    const sizes = new Map(graph.nodes.slice(1).map((node) => [node.id, { width: 200, height: 84 }]));
    expect(makeRoom(graph.nodes, sizes).size).toBe(0);
  });

  it('leaves no two boxes crowded, whatever the drawing', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 50; round++) {
      const nodes: Placed[] = Array.from({ length: 25 }, (_, i) => ({ id: `n${i}`, position: { x: Math.round(random() * 600), y: Math.round(random() * 600) } }));
      const sizes = new Map(nodes.map((node) => [node.id, { width: 120 + Math.round(random() * 100), height: 28 + Math.round(random() * 120) }]));
      const moved = makeRoom(nodes, sizes);
      expect(crowded(apply(nodes, moved), sizes), `round ${round}`).toEqual([]);
      for (const [id, position] of moved) expect(position.y).toBeGreaterThan(nodes.find((node) => node.id === id)?.position.y ?? Infinity);
    }
  });
});
