// Rewrites the generated text in core's sources from the layouts themselves: the ASCII
// diagram in each layout file and the accessor region in each flyweight. Run after
// changing a schema: `pnpm layouts` (it builds core first). A test fails while any
// generated text differs from what this script would write.
import fs from 'node:fs';
import { FLYWEIGHT_SOURCES, renderFlyweightAccessors, renderLayoutDiagram } from '../dist/index.js';

const DIAGRAM = /( \* DIAGRAM-BEGIN\n)[\s\S]*?( \* DIAGRAM-END)/;
const ACCESSORS = /(  \/\/ GENERATED-BEGIN accessors[^\n]*\n)[\s\S]*?(  \/\/ GENERATED-END accessors)/;

for (const source of FLYWEIGHT_SOURCES) {
  const path = new URL(`../src/${source.file}`, import.meta.url);
  let text = fs.readFileSync(path, 'utf8');
  if (source.accessors) {
    const body = renderFlyweightAccessors(source.layout, { readOnly: source.readOnly });
    text = text.replace(ACCESSORS, (_, begin, end) => `${begin}${body}\n${end}`);
  } else {
    const diagram = renderLayoutDiagram(source.layout)
      .split('\n')
      .map((line) => ` * ${line}`.trimEnd())
      .join('\n');
    text = text.replace(DIAGRAM, (_, begin, end) => `${begin}${diagram}\n${end}`);
  }
  fs.writeFileSync(path, text);
}
