/** A piscina task that returns its input: the reference for dispatching work per task. */
export default function echo(value: number): number {
  return value;
}
