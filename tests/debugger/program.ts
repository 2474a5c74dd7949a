// The debugger tests' program: TypeScript whose types the build strips, so
// that its lines are not the generated code's.
interface Point {
  x: number;
  y: number;
}

type Label = `${string}:${number}`;

function distance(a: Point, b: Point): number {
  const dx: number = a.x - b.x;
  const dy: number = a.y - b.y; // marker: dy
  const squared: number = dx * dx + dy * dy;
  return Math.sqrt(squared); // marker: return
}

function label(name: string, value: number): Label {
  return `${name}:${value}`;
}

export function main(): number {
  const points: Point[] = [{ x: 0, y: 0 }, { x: 3, y: 4 }, { x: 6, y: 8 }]; // marker: first
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    total += distance(points[i - 1], points[i]); // marker: call
  }
  console.log(label("total", total), { points: points.length });
  return 0;
}
